/**
 * A heartbeat bar: one block per minute of the last hour, green when the check passed, red when it failed,
 * grey when there was no result.
 */
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/** A heartbeat bar. */
@customElement('hl-heartbeat')
export class HlHeartbeat extends LitElement {
  static override styles = css`
    :host { display: block; }
    .bar { display: grid; grid-auto-flow: column; grid-auto-columns: 1fr; gap: 1px; height: 18px; }
    .b { border-radius: 2px; background: var(--hl-border); }
    .b.up { background: var(--hl-ok); }
    .b.down { background: var(--hl-bad); }
  `;

  @property({ attribute: false }) beats: readonly (number | null)[] = [];
  @property() label = 'Results of the last hour';

  protected override render() {
    const failed = this.beats.filter((b) => b === 0).length;
    const known = this.beats.filter((b) => b !== null).length;
    return html`<div class="bar" role="img" aria-label=${`${this.label}: ${known - failed} passed, ${failed} failed`}>
      ${this.beats.map((b) => html`<span class="b ${b === null ? '' : b >= 1 ? 'up' : 'down'}"></span>`)}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-heartbeat': HlHeartbeat;
  }
}
