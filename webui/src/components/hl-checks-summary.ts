/**
 * The checks summary on the overview: how many checks pass, and a heartbeat bar per check.
 */
import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { Loader } from '../loader.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import { loadChecks, patchCheck, type CheckEvent } from '../checks-data.js';
import { StreamWatch, type LiveStream } from '../live-stream.js';
import { formatDuration, formatPercent } from '../format.js';
import './hl-heartbeat.js';

/** The checks summary panel. */
@customElement('hl-checks-summary')
export class HlChecksSummary extends LitElement {
  static override styles = [shared, css`
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: .4rem; }
    li { display: grid; grid-template-columns: minmax(6rem, 14rem) 1fr 8rem; gap: .6rem; align-items: center; font-size: .85rem; }
    @media (max-width: 600px) { li { grid-template-columns: 1fr auto; } hl-heartbeat { grid-column: 1 / -1; grid-row: 2; } }
  `];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  /** The live stream; while it is live, results arrive as events and `tick` no longer reloads. */
  @property({ attribute: false }) stream: LiveStream | undefined;
  private readonly checks = new Loader(this, (signal) => loadChecks(this.api, signal));
  private lastFullLoadMs = 0;
  // Every result patches its row at once; the uptime ratios are reloaded in full at most every 10 s.
  private readonly live = new StreamWatch(this, () => this.stream, () => ['checks'], (data) => {
    if (this.checks.value) { this.checks.value = patchCheck(this.checks.value, data as CheckEvent); this.requestUpdate(); }
    if (Date.now() - this.lastFullLoadMs > 10_000) this.reload();
  }, () => this.reload(), 0);

  private reload(): void {
    this.lastFullLoadMs = Date.now();
    void this.checks.run();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('api') || (changed.has('tick') && !this.stream?.live)) this.reload();
  }

  protected override render() {
    return html`<div class="panel">
      <h2>Checks ${this.checks.value ? html`<span class="muted">· ${this.checks.value.filter((c) => c.up).length}/${this.checks.value.length} passing</span>` : ''}</h2>
      ${renderLoad(this.checks, (rows) => html`<ul>${rows.map((c) => html`<li>
          <a href="/checks"><span class="badge ${c.up ? 'ok' : 'bad'}">${c.up ? 'up' : 'down'}</span> ${c.check}</a>
          <hl-heartbeat .beats=${c.heartbeats} label=${`${c.check}, last hour`}></hl-heartbeat>
          <span class="muted" title="uptime over 24 hours">${formatPercent(c.uptime24h === null ? null : c.uptime24h * 100, 2)} · ${formatDuration(c.durationSeconds)}</span>
        </li>`)}</ul>`, { empty: (r) => r.length === 0, emptyText: 'No checks configured. Add http or tcp checks under checks: in hlmon.yml.', label: 'Loading checks' })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-checks-summary': HlChecksSummary;
  }
}
