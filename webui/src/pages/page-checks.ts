/**
 * Uptime checks: state, uptime ratios, response time, certificate expiry and the HTTP status behind a
 * failure, all from the probe_* series, joined with the configured checks of GET /api/v1/checks (paused ones
 * and the last failure reason); a response-time chart; a form to create a check (POST /api/v1/checks), and
 * per row Edit, Pause/Resume and Delete (PATCH and DELETE /api/v1/checks/:name), all written to hlmon.yml.
 */
import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import { checkStatus, type CheckRow } from '../checks-data.js';
import type { LiveStream } from '../live-stream.js';
import { LiveCheckRows } from '../live-check-rows.js';
import { formatDuration, formatPercent } from '../format.js';
import '../components/hl-chart.js';
import '../components/hl-heartbeat.js';

/** The checks page. */
@customElement('page-checks')
export class PageChecks extends LitElement {
  static override styles = [shared, css`
    tr.paused td { color: var(--hl-muted); }
    td.actions { white-space: nowrap; }
    td.actions button { padding: .15rem .5rem; font-size: .85rem; }
    .reason { font-size: .85rem; }
  `];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  /** False for a viewer: edit buttons and forms are not shown. */
  @property({ type: Boolean }) canEdit = false;
  @state() private formOpen = false;
  @state() private formMessage = '';
  @state() private window = { startMs: Date.now() - 6 * 3_600_000, endMs: Date.now() };
  /** The live stream; while it is live, results arrive as events and `tick` no longer reloads. */
  @property({ attribute: false }) stream: LiveStream | undefined;
  /** The check whose edit form is open, by name. */
  @state() private editing: string | undefined;
  /** The outcome of the last row action (pause, resume, edit, delete), announced to screen readers. */
  @state() private actionMessage = '';
  private readonly live = new LiveCheckRows(this);
  private readonly checks = this.live.rows;

  private reload(): void {
    this.live.reload();
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

  /**
   * PATCHes or DELETEs one check, then reloads; the message says what happened either way. `local` changes
   * the rows on screen as soon as the server accepted, so the row does not wait for the reload.
   */
  private async act(name: string, method: 'PATCH' | 'DELETE', body: object | undefined, done: string, local?: (r: CheckRow) => CheckRow): Promise<boolean> {
    try {
      await this.api.json(`/api/v1/checks/${encodeURIComponent(name)}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
      this.actionMessage = done;
      if (local && this.checks.value) this.checks.value = this.checks.value.map((r) => (r.check === name ? local(r) : r));
      this.reload();
      return true;
    } catch (err) {
      this.actionMessage = `Could not change ${name}: ${(err as Error).message}`;
      return false;
    }
  }

  private setPaused(r: CheckRow, paused: boolean): void {
    // Paused: the last response time is history, not a reading. Resumed: nothing is known until the first run.
    const local = (row: CheckRow): CheckRow => ({ ...row, config: { ...row.config!, paused, up: null, lastCheckMs: null }, pending: !paused, durationSeconds: null, httpStatus: null, lastCheckMs: null });
    void this.act(r.check, 'PATCH', { paused }, paused ? `Check ${r.check} paused: it is not run until resumed; its history stays.` : `Check ${r.check} resumed.`, local);
  }

  private deleteCheck(r: CheckRow): void {
    if (!confirm(`Delete the check ${r.check}? Its history stays in the database.`)) return;
    void this.act(r.check, 'DELETE', undefined, `Check ${r.check} deleted.`);
  }

  private async saveEdit(e: Event, r: CheckRow): Promise<void> {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(e.target as HTMLFormElement)) as Record<string, string>;
    const body = { target: data.target, intervalSeconds: Number(data.intervalSeconds), timeoutSeconds: Number(data.timeoutSeconds) };
    if (await this.act(r.check, 'PATCH', body, `Check ${r.check} saved.`)) this.editing = undefined;
  }

  private renderEdit(r: CheckRow) {
    const c = r.config!;
    return html`<tr><td colspan="9"><form class="row" aria-label=${`Edit check ${r.check}`} @submit=${(e: Event) => this.saveEdit(e, r)}>
      <label>Target <input name="target" required .value=${c.target} size="32"></label>
      <label>Every <input name="intervalSeconds" type="number" min="1" required .value=${String(c.intervalSeconds)} style="width:5rem"> s</label>
      <label>Timeout <input name="timeoutSeconds" type="number" min="0.1" step="0.1" required .value=${String(c.timeoutSeconds ?? Math.min(10, c.intervalSeconds))} style="width:4rem"> s</label>
      <button class="primary" type="submit">Save</button>
      <button type="button" @click=${() => { this.editing = undefined; }}>Cancel</button>
    </form></td></tr>`;
  }

  private renderRow(c: CheckRow) {
    const status = checkStatus(c);
    const badge = { up: 'ok', down: 'bad', paused: 'muted', pending: 'muted' }[status];
    const failure = status === 'down' ? (c.config?.lastError || (c.httpStatus ? `HTTP ${c.httpStatus}` : '')) : '';
    return html`<tr class=${status === 'paused' ? 'paused' : ''} data-status=${status}>
      <td>${c.check}</td><td><code>${c.instance}</code></td>
      <td><span class="badge ${badge}">${status}</span>${failure ? html` <span class="muted reason">${failure}</span>` : ''}</td>
      <td style="min-width:8rem"><hl-heartbeat .beats=${c.heartbeats} label=${`${c.check}, last hour`}></hl-heartbeat></td>
      <td class="num">${formatDuration(c.durationSeconds)}</td>
      <td class="num">${formatPercent(c.uptime24h === null ? null : 100 * c.uptime24h, 2)}</td>
      <td class="num">${formatPercent(c.uptime7d === null ? null : 100 * c.uptime7d, 2)}</td>
      <td class="num ${c.certExpiresInSeconds !== null && c.certExpiresInSeconds < 14 * 86400 ? 'warn' : ''}">${c.certExpiresInSeconds === null ? '–' : `expires in ${formatDuration(c.certExpiresInSeconds)}`}</td>
      ${this.canEdit ? html`<td class="actions">${c.config ? html`
        <button @click=${() => { this.editing = this.editing === c.check ? undefined : c.check; }} aria-expanded=${this.editing === c.check} aria-label=${`Edit ${c.check}`}>Edit</button>
        ${c.config.paused
          ? html`<button @click=${() => this.setPaused(c, false)} aria-label=${`Resume ${c.check}`}>Resume</button>`
          : html`<button @click=${() => this.setPaused(c, true)} aria-label=${`Pause ${c.check}`}>Pause</button>`}
        <button @click=${() => this.deleteCheck(c)} aria-label=${`Delete ${c.check}`}>Delete</button>` : html`<span class="muted" title="not in hlmon.yml's checks">–</span>`}</td>` : ''}
    </tr>${this.editing === c.check && c.config && this.canEdit ? this.renderEdit(c) : ''}`;
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
      ${this.actionMessage ? html`<p role="status" class="muted">${this.actionMessage}</p>` : ''}
      <div class="panel" style="margin-bottom:1rem">${renderLoad(this.checks, (rows) => html`<div class="table-wrap"><table>
        <thead><tr><th>Check</th><th>Target</th><th>Status</th><th>Last hour</th><th class="num">Response</th><th class="num">24 h</th><th class="num">7 d</th><th class="num">Certificate</th>${this.canEdit ? html`<th><span class="visually-hidden">Actions</span></th>` : ''}</tr></thead>
        <tbody>${rows.map((c) => this.renderRow(c))}</tbody></table></div>`, { empty: (r) => r.length === 0, emptyText: 'No checks yet.', label: 'Loading checks' })}</div>
      <hl-chart .api=${this.api} .queries=${this.durationQueries} .startMs=${this.window.startMs} .endMs=${this.window.endMs} unit="seconds" fit-data
        .minStepSeconds=${5} heading="Response time (6 hours)"></hl-chart>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-checks': PageChecks;
  }
}
