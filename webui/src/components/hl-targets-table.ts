/**
 * A table of scrape targets like Prometheus's targets page: endpoint, health, labels, last scrape, duration
 * and the last error. Used per job by the Targets page and for one host's targets on the host page.
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { shared } from '../styles.js';
import { formatAgo, formatDuration } from '../format.js';
import type { TargetRow } from '../targets-data.js';

/** The targets table. */
@customElement('hl-targets-table')
export class HlTargetsTable extends LitElement {
  static override styles = [shared];

  @property({ attribute: false }) targets: readonly TargetRow[] = [];
  /** Adds a Job column (the Targets page groups by job and leaves it out). */
  @property({ type: Boolean, attribute: 'show-job' }) showJob = false;
  /** Labels not to repeat in every row (job and instance on the host page). */
  @property({ attribute: false }) hideLabels: readonly string[] = [];

  protected override render() {
    const badge = (up: boolean | null) => (up === null ? html`<span class="badge muted">UNKNOWN</span>` : html`<span class="badge ${up ? 'ok' : 'bad'}">${up ? 'UP' : 'DOWN'}</span>`);
    return html`<div class="table-wrap"><table>
      <thead><tr>${this.showJob ? html`<th>Job</th>` : ''}<th>Endpoint</th><th>State</th><th>Labels</th><th>Last scrape</th><th class="num">Duration</th><th>Error</th></tr></thead>
      <tbody>${this.targets.map((r) => html`<tr data-job=${r.job} data-health=${r.up === null ? 'unknown' : r.up ? 'up' : 'down'}>
        ${this.showJob ? html`<td>${r.job}</td>` : ''}<td>${r.scrapeUrl || r.instance}</td>
        <td>${badge(r.up)}</td>
        <td>${Object.entries(r.labels).filter(([k]) => !this.hideLabels.includes(k)).map(([k, v]) => html`<code>${k}="${v}"</code> `)}</td>
        <td>${r.lastScrapeMs === null ? 'never' : formatAgo(r.lastScrapeMs)}</td><td class="num">${formatDuration(r.durationSeconds)}</td><td class="bad">${r.lastError}</td></tr>`)}</tbody>
    </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-targets-table': HlTargetsTable;
  }
}
