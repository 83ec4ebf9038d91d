/**
 * A tiny line of recent values for a card, drawn as inline SVG: a hundred cards must stay cheap, so this
 * does not use the chart library.
 */
import { LitElement, html, svg, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/** A sparkline. */
@customElement('hl-sparkline')
export class HlSparkline extends LitElement {
  static override styles = css`
    :host { display: block; height: 28px; }
    svg { width: 100%; height: 100%; display: block; overflow: visible; }
    polyline { fill: none; stroke: var(--hl-spark, var(--hl-accent)); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
  `;

  /** The values, oldest first; nulls are gaps. */
  @property({ attribute: false }) values: readonly (number | null)[] = [];
  /** The top of the scale; the largest value when not set. */
  @property({ type: Number }) max: number | undefined;
  @property() label = '';

  protected override updated(): void {
    if (this.values.length > 0) {
      this.dataset.drawn = 'true';
      if (performance.getEntriesByName('hl-first-chart').length === 0) performance.mark('hl-first-chart');
    }
  }

  protected override render() {
    const vals = this.values;
    const finite = vals.filter((v): v is number => v !== null && Number.isFinite(v));
    const top = this.max ?? Math.max(1e-9, ...finite);
    const n = Math.max(1, vals.length - 1);
    const segments: string[][] = [[]];
    vals.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) { if (segments.at(-1)!.length) segments.push([]); return; }
      segments.at(-1)!.push(`${((i / n) * 100).toFixed(2)},${(30 - (Math.min(v, top) / top) * 28).toFixed(2)}`);
    });
    return html`<svg viewBox="0 0 100 30" preserveAspectRatio="none" role="img" aria-label=${this.label}>
      ${segments.filter((s) => s.length).map((s) => svg`<polyline points=${s.join(' ')}></polyline>`)}
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-sparkline': HlSparkline;
  }
}
