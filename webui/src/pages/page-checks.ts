/**
 * Uptime checks: state, uptime ratios, response time, certificate expiry and the HTTP status behind a
 * failure, all from the probe_* series; a response-time chart; and a form to create a check through
 * POST /api/v1/checks (see docs/webui.md for the shape).
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { Loader } from '../loader.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import { loadChecks, patchCheck, type CheckEvent } from '../checks-data.js';
import { StreamWatch, type LiveStream } from '../live-stream.js';
import { formatDuration, formatPercent } from '../format.js';
import '../components/hl-chart.js';
import '../components/hl-heartbeat.js';

/** The checks page. */
@customElement('page-checks')
export class PageChecks extends LitElement {
  static override styles = [shared];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  /** False for a viewer: edit buttons and forms are not shown. */
  @property({ type: Boolean }) canEdit = false;
  @state() private formOpen = false;
  @state() private formMessage = '';
  @state() private window = { startMs: Date.now() - 6 * 3_600_000, endMs: Date.now() };
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
  private readonly durationQueries = [{ expr: 'probe_duration_seconds{job="check"}', legend: '{{check}}' }];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('tick') && changed.get('tick') !== undefined) this.window = { startMs: Date.now() - 6 * 3_600_000, endMs: Date.now() };
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('api') || (changed.has('tick') && !this.stream?.live)) this.reload();
  }

  private async create(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = Object.fromEntries(new FormData(form)) as Record<string, string>;
    const body = { name: data.name, type: data.type, target: data.target, intervalSeconds: Number(data.intervalSeconds), timeoutSeconds: Number(data.timeoutSeconds) };
    try {
      await this.api.json('/api/v1/checks', { method: 'POST', body: JSON.stringify(body) });
      this.formMessage = `Check ${body.name} created; its first result appears within one interval.`;
      form.reset();
      this.reload();
    } catch (err) {
      this.formMessage = `Could not create the check: ${(err as Error).message}`;
    }
  }

  protected override render() {
    return html`<div class="row" style="justify-content:space-between"><h1>Checks</h1>
        ${this.canEdit ? html`<button aria-expanded=${this.formOpen} @click=${() => { this.formOpen = !this.formOpen; }}>New check</button>` : ''}</div>
      ${this.formOpen && this.canEdit ? html`<form class="panel" @submit=${this.create} aria-label="New check" style="margin-bottom:1rem">
        <div class="row">
          <label>Name <input name="name" required pattern="[a-zA-Z0-9_.\\-]+"></label>
          <label>Type <select name="type"><option value="http">HTTP</option><option value="tcp">TCP</option></select></label>
          <label>Target <input name="target" required placeholder="https://nas.lan or nas.lan:22"></label>
          <label>Every <input name="intervalSeconds" type="number" min="5" value="60" style="width:5rem"> s</label>
          <label>Timeout <input name="timeoutSeconds" type="number" min="1" value="10" style="width:4rem"> s</label>
          <button class="primary" type="submit">Create</button>
        </div>
        ${this.formMessage ? html`<p role="status">${this.formMessage}</p>` : ''}
      </form>` : ''}
      <div class="panel" style="margin-bottom:1rem">${renderLoad(this.checks, (rows) => html`<div class="table-wrap"><table>
        <thead><tr><th>Check</th><th>Target</th><th>Status</th><th>Last hour</th><th class="num">Response</th><th class="num">24 h</th><th class="num">7 d</th><th class="num">Certificate</th></tr></thead>
        <tbody>${rows.map((c) => html`<tr>
          <td>${c.check}</td><td><code>${c.instance}</code></td>
          <td><span class="badge ${c.up ? 'ok' : 'bad'}">${c.up ? 'up' : 'down'}</span>${!c.up && c.httpStatus ? html` <span class="muted">HTTP ${c.httpStatus}</span>` : ''}</td>
          <td style="min-width:8rem"><hl-heartbeat .beats=${c.heartbeats} label=${`${c.check}, last hour`}></hl-heartbeat></td>
          <td class="num">${formatDuration(c.durationSeconds)}</td>
          <td class="num">${formatPercent(c.uptime24h === null ? null : 100 * c.uptime24h, 2)}</td>
          <td class="num">${formatPercent(c.uptime7d === null ? null : 100 * c.uptime7d, 2)}</td>
          <td class="num ${c.certExpiresInSeconds !== null && c.certExpiresInSeconds < 14 * 86400 ? 'warn' : ''}">${c.certExpiresInSeconds === null ? '–' : `expires in ${formatDuration(c.certExpiresInSeconds)}`}</td>
        </tr>`)}</tbody></table></div>`, { empty: (r) => r.length === 0, emptyText: 'No checks yet.', label: 'Loading checks' })}</div>
      <hl-chart .api=${this.api} .queries=${this.durationQueries} .startMs=${this.window.startMs} .endMs=${this.window.endMs} unit="seconds" heading="Response time (6 hours)"></hl-chart>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-checks': PageChecks;
  }
}
