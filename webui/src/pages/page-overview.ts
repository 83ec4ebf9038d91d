/**
 * The overview: firing alerts at the top, a checks summary with a heartbeat bar, and every host as a card
 * with sparklines; hosts can be filtered and sorted. Sparklines come from three range queries for all hosts
 * at once, not one per card.
 */
import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient, PromSeries } from '../api-client.js';
import { Loader } from '../loader.js';
import { loadingState, renderLoad } from '../states.js';
import { shared } from '../styles.js';
import type { HostSummary, PromAlert, Silence } from '../types.js';
import type { HostHistory } from '../components/hl-host-card.js';
import '../components/hl-host-card.js';
import '../components/hl-alert-list.js';
import '../components/hl-checks-summary.js';
import { StreamWatch, type LiveStream } from '../live-stream.js';

/**
 * The card numbers that change with every scrape, watched over the stream as `series:<PromQL>` topics. The
 * expressions are the ones /api/v1/hosts evaluates, grouped by job and instance so each value finds its card.
 */
const LIVE_SERIES: Readonly<Record<string, 'up' | 'cpuUsedPercent' | 'memoryUsedPercent'>> = {
  'up': 'up',
  '100 * (1 - avg by (job, instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))': 'cpuUsedPercent',
  '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)': 'memoryUsedPercent',
};

/** One element of a `series:` event. */
interface SeriesEventData { readonly expr: string; readonly result?: { labels: Record<string, string>; t: number; v: number }[] }

/** While the stream is live, the whole overview is still reloaded every this many ticks (sparklines, disk, network). */
const LIVE_FULL_RELOAD_TICKS = 4;

type SortKey = 'name' | 'status' | 'cpu' | 'memory' | 'disk';

/** Cards rendered in the first paint: more than a 4K screen shows. */
const FIRST_CARDS = 24;

const HISTORY_MS = 3_600_000;
const HISTORY_STEP_S = 60;

/** The overview page. */
@customElement('page-overview')
export class PageOverview extends LitElement {
  static override styles = [shared, css`
    .cards { display: grid; gap: .8rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 290px), 1fr)); }
    .tools { margin: 1rem 0 .8rem; }
    .tools input { flex: 1 1 200px; max-width: 360px; }
    section + section { margin-top: 1rem; }
  `];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  /** The live stream: alerts and the cards' up, CPU and memory update from its events while it is live. */
  @property({ attribute: false }) stream: LiveStream | undefined;
  /** False for a viewer: edit buttons and forms are not shown. */
  @property({ type: Boolean }) canEdit = false;
  @state() private filter = new URLSearchParams(location.search).get('q') ?? '';
  /** Set once the host cards had their first load; the checks panel starts loading then. */
  @state() private cardsShown = false;
  @state() private sort: SortKey = (new URLSearchParams(location.search).get('sort') as SortKey) || 'name';

  private readonly hosts = new Loader(this, async (signal) => (await this.api.json<{ hosts: HostSummary[] }>('/api/v1/hosts', { signal })).hosts);
  // One loader per sparkline metric, so each row of sparklines appears as soon as its own query is done.
  private readonly history = {
    memory: new Loader(this, (signal) => this.loadHistory('100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)', signal)),
    cpu: new Loader(this, (signal) => this.loadHistory(`100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[${2 * HISTORY_STEP_S}s])))`, signal)),
    network: new Loader(this, (signal) => this.loadHistory(`sum by (instance) (rate(node_network_receive_bytes_total{device!~"lo|veth.*|docker.*|br-.*|virbr.*"}[${2 * HISTORY_STEP_S}s]))`, signal)),
  };
  // The silences come with the alerts, so a silenced alert says so rather than offering "Silence…"; a server
  // without the silences endpoint only loses that mark.
  private readonly alerts = new Loader(this, async (signal) => {
    const [alerts, silences] = await Promise.all([
      this.api.prom<{ alerts: PromAlert[] }>('alerts', {}, signal),
      this.api.json<{ silences: Silence[] }>('/api/v1/silences', { signal }).catch(() => ({ silences: [] as Silence[] })),
    ]);
    return { alerts: alerts.alerts, silences: silences.silences };
  });

  private readonly liveAlerts = new StreamWatch(this, () => this.stream, () => ['alerts'], () => void this.alerts.run(), () => this.reloadAll());
  // Subscribed once the cards are on screen: a subscription makes the server evaluate the three expressions
  // over every host at once, which would compete with the first load; the first event brings whatever changed.
  private readonly liveSeries = new StreamWatch(this, () => this.stream, () => (this.cardsShown ? Object.keys(LIVE_SERIES).map((e) => `series:${e}`) : []), (data) => this.patchHosts(data as SeriesEventData), () => undefined);
  /**
   * How many cards are rendered: the first screenful at once, the rest in the task after the first paint, so
   * a hundred cards (three hundred sparklines) do not delay the ones on screen.
   */
  @state() private cardLimit = FIRST_CARDS;

  /** Writes a streamed value into the cards; a host missing from the result keeps its last known number. */
  private patchHosts(data: SeriesEventData): void {
    const field = LIVE_SERIES[data?.expr];
    const hosts = this.hosts.value;
    if (!field || !data.result || !hosts) return;
    const byKey = new Map(data.result.map((s) => [`${s.labels.job}\u0000${s.labels.instance}`, s]));
    let changed = false;
    const next = hosts.map((h) => {
      const s = byKey.get(`${h.job}\u0000${h.instance}`);
      if (!s || !Number.isFinite(s.v)) return h;
      changed = true;
      if (field !== 'up') return { ...h, [field]: s.v };
      return s.v === 1 ? { ...h, up: true, lastSeenMs: s.t, stateAtMs: s.t } : { ...h, up: false };
    });
    if (changed) { this.hosts.value = next; this.requestUpdate(); }
  }

  protected override updated(changed: PropertyValues<this>): void {
    const live = this.stream?.live ?? false;
    if (changed.has('api') || (changed.has('tick') && (!live || this.tick % LIVE_FULL_RELOAD_TICKS === 0))) this.reloadAll();
    if (!this.allCardsScheduled && (this.hosts.value?.length ?? 0) > FIRST_CARDS) this.scheduleAllCards();
  }

  private reloadAll(): void {
    // The cards and one row of sparklines first: the server answers on one thread, so every request sent
    // alongside delays them. The other sparklines, the alerts, the checks panel and the live subscription
    // follow once the cards are on screen.
    const first = [this.hosts.run(), this.history.memory.run()];
    void Promise.allSettled(first).then(() => {
      void this.history.cpu.run();
      void this.history.network.run();
      void this.alerts.run();
      this.cardsShown = true;
    });
  }

  private allCardsScheduled = false;

  private scheduleAllCards(): void {
    this.allCardsScheduled = true;
    let done = false;
    const all = () => { if (!done) { done = true; this.cardLimit = Infinity; } };
    // After the next frame is painted; the timer covers a hidden tab, which paints no frames.
    requestAnimationFrame(() => setTimeout(all, 0));
    setTimeout(all, 250);
  }

  /** One sparkline metric for every host over the last hour, by instance. */
  private async loadHistory(expr: string, signal: AbortSignal): Promise<Map<string, (number | null)[]>> {
    const end = Date.now();
    const start = end - HISTORY_MS;
    const list = await this.api.range(expr, start, end, HISTORY_STEP_S, signal);
    return new Map(list.map((s) => [s.metric.instance ?? '', alignValues(s, start, HISTORY_STEP_S, HISTORY_MS / 1000 / HISTORY_STEP_S + 1)]));
  }

  private setFilter(e: Event): void {
    this.filter = (e.target as HTMLInputElement).value;
    this.saveUrl();
  }

  private setSort(e: Event): void {
    this.sort = (e.target as HTMLSelectElement).value as SortKey;
    this.saveUrl();
  }

  private saveUrl(): void {
    const p = new URLSearchParams(location.search);
    if (this.filter) p.set('q', this.filter); else p.delete('q');
    if (this.sort !== 'name') p.set('sort', this.sort); else p.delete('sort');
    const qs = p.toString();
    history.replaceState(history.state, '', location.pathname + (qs ? '?' + qs : ''));
  }

  private visibleHosts(hosts: HostSummary[]): HostSummary[] {
    const f = this.filter.trim().toLowerCase();
    const list = f ? hosts.filter((h) => [h.instance, h.hostname, h.os, h.job].some((x) => x?.toLowerCase().includes(f))) : [...hosts];
    const num = (v: number | null) => v ?? -1;
    const by: Record<SortKey, (a: HostSummary, b: HostSummary) => number> = {
      name: (a, b) => (a.hostname ?? a.instance).localeCompare(b.hostname ?? b.instance),
      status: (a, b) => Number(a.up) - Number(b.up),
      cpu: (a, b) => num(b.cpuUsedPercent) - num(a.cpuUsedPercent),
      memory: (a, b) => num(b.memoryUsedPercent) - num(a.memoryUsedPercent),
      disk: (a, b) => num(b.rootDiskUsedPercent) - num(a.rootDiskUsedPercent),
    };
    return list.sort((a, b) => by[this.sort](a, b) || a.instance.localeCompare(b.instance));
  }

  protected override render() {
    const history = (instance: string): HostHistory => ({
      cpu: this.history.cpu.value?.get(instance) ?? [],
      memory: this.history.memory.value?.get(instance) ?? [],
      network: this.history.network.value?.get(instance) ?? [],
    });
    return html`
      <h1>Overview</h1>
      <section aria-label="Firing alerts">
        ${renderLoad(this.alerts, ({ alerts, silences }) => html`<hl-alert-list ?can-edit=${this.canEdit} .silences=${silences} .alerts=${alerts.filter((a) => a.state === 'firing')} compact></hl-alert-list>`, { label: 'Loading alerts' })}
      </section>
      <section aria-label="Checks">${this.cardsShown ? html`<hl-checks-summary .api=${this.api} .tick=${this.tick} .stream=${this.stream}></hl-checks-summary>` : html`<div class="panel">${loadingState('Loading checks')}</div>`}</section>
      <section aria-label="Hosts">
        <div class="row tools">
          <label class="visually-hidden" for="filter">Filter hosts</label>
          <input id="filter" type="search" placeholder="Filter hosts by name, instance, OS…" .value=${this.filter} @input=${this.setFilter}>
          <label>Sort by
            <select .value=${this.sort} @change=${this.setSort}>
              <option value="name">name</option><option value="status">status (down first)</option>
              <option value="cpu">CPU</option><option value="memory">memory</option><option value="disk">disk</option>
            </select>
          </label>
          ${this.hosts.value ? html`<span class="muted" role="status">${this.hosts.value.filter((h) => h.up).length} of ${this.hosts.value.length} hosts up</span>` : ''}
        </div>
        ${renderLoad(this.hosts, (hosts) => {
          const visible = this.visibleHosts(hosts);
          return visible.length === 0
            ? html`<p class="state">No host matches “${this.filter}”.</p>`
            : html`<div class="cards">${visible.slice(0, this.cardLimit).map((h) => html`<hl-host-card .host=${h} .history=${history(h.instance)}></hl-host-card>`)}</div>`;
        }, { empty: (h) => h.length === 0, emptyText: 'No hosts yet. Add node_exporter or hlmon exporter targets to scrape_configs in hlmon.yml.', label: 'Loading hosts' })}
      </section>`;
  }
}

/** Puts a range series on a fixed grid of `n` steps from `startMs`, with nulls where there is no point. */
export function alignValues(s: PromSeries, startMs: number, stepS: number, n: number): (number | null)[] {
  const out: (number | null)[] = new Array(Math.round(n)).fill(null);
  for (const [t, v] of s.values) {
    const i = Math.round((t * 1000 - startMs) / (stepS * 1000));
    const x = Number(v);
    if (i >= 0 && i < out.length && Number.isFinite(x)) out[i] = x;
  }
  return out;
}

declare global {
  interface HTMLElementTagNameMap {
    'page-overview': PageOverview;
  }
}
