/**
 * Alerts: firing and pending (from the Prometheus-compatible /prometheus/api/v1/alerts), alerts resolved in
 * the last 24 hours (/api/v1/alerts?state=resolved), the silences (/api/v1/silences), and a silence form,
 * prefilled when reached from an alert's "Silence…" link.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { Loader } from '../loader.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import type { PromAlert, Silence } from '../types.js';
import { formatAgo, formatDuration } from '../format.js';

/** An alert of GET /api/v1/alerts?state=resolved. */
interface ResolvedAlert {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly activeAtMs: number;
  readonly resolvedAtMs: number | null;
}

const RESOLVED_WINDOW_MS = 86_400_000;
import '../components/hl-alert-list.js';
import { StreamWatch, type LiveStream } from '../live-stream.js';

/** The alerts page. */
@customElement('page-alerts')
export class PageAlerts extends LitElement {
  static override styles = [shared];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  /** False for a viewer: edit buttons and forms are not shown. */
  @property({ type: Boolean }) canEdit = false;
  @state() private prefill: Record<string, string> | undefined = readPrefill();
  @state() private message = '';
  private readonly alerts = new Loader(this, async (signal) => (await this.api.prom<{ alerts: PromAlert[] }>('alerts', {}, signal)).alerts);
  /** The live stream; while it is live, alert changes arrive as events and `tick` no longer reloads. */
  @property({ attribute: false }) stream: LiveStream | undefined;
  // An alert change (fired, resolved, silenced) reloads both lists, at most once a second.
  private readonly live = new StreamWatch(this, () => this.stream, () => ['alerts'], () => this.reload(), () => this.reload());
  private readonly silences = new Loader(this, async (signal) => (await this.api.json<{ silences: Silence[] }>('/api/v1/silences', { signal })).silences);
  private readonly resolved = new Loader(this, async (signal) =>
    (await this.api.json<{ alerts: ResolvedAlert[] }>(`/api/v1/alerts?state=resolved&since=${Date.now() - RESOLVED_WINDOW_MS}`, { signal })).alerts
      .sort((a, b) => (b.resolvedAtMs ?? 0) - (a.resolvedAtMs ?? 0)));

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('api') || (changed.has('tick') && !this.stream?.live)) this.reload();
  }

  private reload(): void {
    void this.alerts.run();
    void this.silences.run();
    void this.resolved.run();
  }

  private async createSilence(e: Event): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const matchers = String(data.get('matchers')).split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|=)\s*"?(.*?)"?$/.exec(l);
      if (!m) throw new Error(`cannot read matcher "${l}"`);
      return { name: m[1]!, value: m[3]!, isRegex: m[2] === '=~', isEqual: true };
    });
    const hours = Number(data.get('hours'));
    const body = { matchers, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + hours * 3_600_000).toISOString(), createdBy: String(data.get('createdBy')), comment: String(data.get('comment')) };
    try {
      await this.api.json('/api/v1/silences', { method: 'POST', body: JSON.stringify(body) });
      this.message = 'Silence created.';
      this.prefill = undefined;
      void this.silences.run();
    } catch (err) {
      this.message = `Could not create the silence: ${(err as Error).message}`;
    }
  }

  protected override render() {
    const prefill = this.prefill;
    return html`<h1>Alerts</h1>
      ${prefill && this.canEdit ? html`<form class="panel" aria-label="New silence" @submit=${this.createSilence} style="margin-bottom:1rem">
        <h2>Silence</h2>
        <label>Matchers (one per line)<br><textarea name="matchers" rows="4" cols="50">${Object.entries(prefill).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}="${v}"`).join('\n')}</textarea></label>
        <div class="row"><label>For <input name="hours" type="number" min="0.25" step="0.25" value="2" style="width:5rem"> hours</label>
          <label>By <input name="createdBy" required value="admin"></label>
          <label>Comment <input name="comment" required placeholder="why"></label>
          <button class="primary" type="submit">Create silence</button>
          <button type="button" @click=${() => { this.prefill = undefined; }}>Cancel</button></div>
      </form>` : ''}
      ${this.message ? html`<p role="status">${this.message}</p>` : ''}
      <section aria-label="Active alerts"><h2>Firing and pending</h2>
        ${renderLoad(this.alerts, (a) => html`<hl-alert-list ?can-edit=${this.canEdit} .silences=${this.silences.value ?? []} .alerts=${a.filter((x) => x.state !== 'inactive')} @click=${this.onAlertClick}></hl-alert-list>`, { label: 'Loading alerts' })}
      </section>
      <section class="panel" aria-label="Resolved alerts" style="margin-top:1rem"><h2>Resolved in the last 24 hours</h2>
        ${renderLoad(this.resolved, (list) => html`<div class="table-wrap"><table>
          <thead><tr><th>Alert</th><th>Labels</th><th>Resolved</th><th class="num">Lasted</th></tr></thead>
          <tbody>${list.map((a) => html`<tr><td>${a.labels.alertname ?? ''}<br><span class="muted">${a.annotations.summary ?? ''}</span></td>
            <td><code>${Object.entries(a.labels).filter(([k]) => k !== 'alertname').map(([k, v]) => `${k}="${v}"`).join(', ')}</code></td>
            <td>${formatAgo(a.resolvedAtMs)}</td><td class="num">${a.resolvedAtMs ? formatDuration((a.resolvedAtMs - a.activeAtMs) / 1000) : '–'}</td></tr>`)}</tbody>
        </table></div>`, { empty: (l) => l.length === 0, emptyText: 'No alert resolved in the last 24 hours.', label: 'Loading resolved alerts' })}
      </section>
      <section class="panel" aria-label="Silences" style="margin-top:1rem"><h2>Silences</h2>
        ${renderLoad(this.silences, (list) => html`<div class="table-wrap"><table>
          <thead><tr><th>Matchers</th><th>State</th><th>Ends</th><th>By</th><th>Comment</th></tr></thead>
          <tbody>${list.map((s) => html`<tr><td><code>${s.matchers.map((m) => `${m.name}${m.isRegex ? '=~' : '='}"${m.value}"`).join(', ')}</code></td>
            <td>${s.status.state}</td><td>${new Date(s.endsAt).toLocaleString()}</td><td>${s.createdBy}</td><td>${s.comment}</td></tr>`)}</tbody>
        </table></div>`, { empty: (l) => l.length === 0, emptyText: 'No silences.', label: 'Loading silences' })}
      </section>`;
  }

  /** "Silence…" links point at this page; when already here, read the new prefill without a reload. */
  private onAlertClick = (e: Event) => {
    const a = e.composedPath().find((n) => n instanceof HTMLAnchorElement) as HTMLAnchorElement | undefined;
    if (a && a.pathname === '/alerts') {
      e.preventDefault();
      history.pushState(history.state, '', a.href);
      this.prefill = readPrefill();
    }
  };
}

function readPrefill(): Record<string, string> | undefined {
  const raw = new URLSearchParams(location.search).get('silence');
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, string>) : undefined;
  } catch {
    return undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-alerts': PageAlerts;
  }
}
