/**
 * One host: a range picker whose choice lives in the URL (?range=6h or ?from=&to=), charts for CPU by mode,
 * load, memory, swap, disk usage per mount, disk I/O, network per interface and temperatures, filesystems
 * with a fill forecast, the containers table, the host's alerts and its scrape targets. Dragging on a chart
 * zooms every chart.
 */
import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { Loader } from '../loader.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import { formatAgo, formatBytes, formatDuration, formatPercent, formatRate, promString } from '../format.js';
import { rangeFromSearch, rangeToSearch, resolveRange, type TimeRange } from '../time-range.js';
import type { HostDetail, PromAlert } from '../types.js';
import type { ChartQuery, ZoomDetail } from '../components/hl-chart.js';
import type { Unit } from '../format.js';
import '../components/hl-chart.js';
import '../components/hl-range-picker.js';
import '../components/hl-alert-list.js';
import '../components/hl-containers-table.js';
import '../components/hl-targets-table.js';
import { loadTargets, targetsOfHost } from '../targets-data.js';

interface ChartSpec {
  readonly heading: string;
  readonly unit: Unit;
  readonly stacked?: boolean;
  readonly queries: readonly ChartQuery[];
}

/** The charts of a host, for a selector like `instance="x"`. */
export function hostCharts(sel: string): ChartSpec[] {
  const virtual = 'device!~"lo|veth.*|docker.*|br-.*|virbr.*"';
  return [
    { heading: 'CPU by mode', unit: 'percent', stacked: true, queries: [{ expr: `100 * sum by (mode) (rate(node_cpu_seconds_total{${sel},mode!="idle"}[$__rate])) / scalar(count(node_cpu_seconds_total{${sel},mode="idle"}))`, legend: '{{mode}}' }] },
    // One request for the three averages instead of three: the server answers queries on one thread. The
    // replacement is ${1}m, not $1m: like Go's Regexp.Expand, PromQL reads "$1m" as a group named "1m" (empty).
    { heading: 'Load', unit: 'number', queries: [{ expr: `label_replace({__name__=~"node_load1|node_load5|node_load15",${sel}}, "period", "\${1}m", "__name__", "node_load(.+)")`, legend: '{{period}}' }] },
    { heading: 'Memory', unit: 'bytes', stacked: true, queries: [
      // Used is what is neither free nor reclaimable cache, so the four parts stack up to the total.
      { expr: `node_memory_MemTotal_bytes{${sel}} - node_memory_MemFree_bytes{${sel}} - node_memory_Buffers_bytes{${sel}} - node_memory_Cached_bytes{${sel}}`, legend: 'used' },
      { expr: `node_memory_Cached_bytes{${sel}}`, legend: 'cached' },
      { expr: `node_memory_Buffers_bytes{${sel}}`, legend: 'buffers' },
      { expr: `node_memory_MemFree_bytes{${sel}}`, legend: 'free' },
    ] },
    { heading: 'Swap used', unit: 'bytes', queries: [{ expr: `node_memory_SwapTotal_bytes{${sel}} - node_memory_SwapFree_bytes{${sel}}`, legend: 'swap used' }] },
    { heading: 'Disk usage per mount', unit: 'percent', queries: [{ expr: `100 * (1 - node_filesystem_avail_bytes{${sel},fstype!~"tmpfs|rootfs|overlay|squashfs"} / node_filesystem_size_bytes{${sel},fstype!~"tmpfs|rootfs|overlay|squashfs"})`, legend: '{{mountpoint}}' }] },
    { heading: 'Disk I/O', unit: 'bytesPerSecond', queries: [
      { expr: `rate(node_disk_read_bytes_total{${sel}}[$__rate])`, legend: '{{device}} read' },
      { expr: `rate(node_disk_written_bytes_total{${sel}}[$__rate])`, legend: '{{device}} write' },
    ] },
    { heading: 'Network per interface', unit: 'bytesPerSecond', queries: [
      { expr: `rate(node_network_receive_bytes_total{${sel},${virtual}}[$__rate])`, legend: '{{device}} in' },
      { expr: `rate(node_network_transmit_bytes_total{${sel},${virtual}}[$__rate])`, legend: '{{device}} out' },
    ] },
    { heading: 'Temperatures', unit: 'celsius', queries: [{ expr: `node_hwmon_temp_celsius{${sel}}`, legend: '{{chip}} {{sensor}}' }] },
  ];
}

/** The host page. */
@customElement('page-host')
export class PageHost extends LitElement {
  static override styles = [shared, css`
    .head { display: flex; justify-content: space-between; align-items: flex-start; gap: 1rem; flex-wrap: wrap; margin-bottom: 1rem; }
    .head h1 { margin: 0; }
    .facts { display: flex; gap: 1.2rem; flex-wrap: wrap; font-size: .9rem; margin-top: .3rem; }
    section { margin-top: 1rem; }
    .down { opacity: .7; }
  `];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  /** False for a viewer: edit buttons and forms are not shown. */
  @property({ type: Boolean }) canEdit = false;
  @property() instance = '';
  @state() private range: TimeRange = rangeFromSearch(location.search, '1h');
  @state() private window = resolveRange(this.range, Date.now());

  private readonly detail = new Loader(this, (signal) => this.api.json<HostDetail>(`/api/v1/hosts/${encodeURIComponent(this.instance)}`, { signal }));
  private readonly forecast = new Loader(this, (signal) => this.loadForecast(signal));
  private readonly alerts = new Loader(this, async (signal) =>
    (await this.api.prom<{ alerts: PromAlert[] }>('alerts', {}, signal)).alerts.filter((a) => a.labels.instance === this.instance));
  // Every target, filtered in render: which ones belong to the host also depends on its node name, which
  // arrives with the details.
  private readonly targets = new Loader(this, (signal) => loadTargets(this.api, signal));
  private charts: ChartSpec[] = [];

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('instance')) this.charts = hostCharts(`instance=${promString(this.instance)}`);
    // A relative range follows the clock on each live update; an absolute one (zoomed, custom) stays put.
    if (changed.has('tick') && this.range.kind === 'relative') this.window = resolveRange(this.range, Date.now());
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('tick') || changed.has('instance') || changed.has('api')) {
      // The charts are what people open this page for: on the first load the host's details (header facts,
      // filesystems, interfaces, containers), the forecast and the alerts wait until one chart is drawn (or
      // a second passed), so the server's one thread evaluates the first chart's query first.
      const later = () => { void this.detail.run(); void this.forecast.run(); void this.alerts.run(); void this.targets.run(); };
      if (this.forecast.value === undefined) this.afterFirstChart(later); else later();
    }
  }

  private afterFirstChart(fn: () => void): void {
    let done = false;
    const once = () => { if (!done) { done = true; this.removeEventListener('hl-chart-drawn', once); fn(); } };
    this.addEventListener('hl-chart-drawn', once);
    setTimeout(once, 1000);
  }

  /** Seconds until each filesystem is full, from the last six hours' trend (only where it shrinks). */
  private async loadForecast(signal: AbortSignal): Promise<Map<string, number>> {
    const sel = `instance=${promString(this.instance)},fstype!~"tmpfs|rootfs|overlay|squashfs"`;
    const res = await this.api.instant(`node_filesystem_avail_bytes{${sel}} / (-deriv(node_filesystem_avail_bytes{${sel}}[6h]) > 0)`, signal);
    return new Map(res.map((s) => [s.metric.mountpoint ?? '', Number(s.value[1])]));
  }

  private setRange(range: TimeRange): void {
    this.range = range;
    this.window = resolveRange(range, Date.now());
    // pushState so Back returns to the previous range, as it does in Grafana.
    history.pushState(history.state, '', location.pathname + rangeToSearch(range, location.search));
  }

  private onZoom(e: CustomEvent<ZoomDetail>): void {
    if (e.detail.toMs - e.detail.fromMs < 60_000) return;
    this.setRange({ kind: 'absolute', fromMs: e.detail.fromMs, toMs: e.detail.toMs });
  }

  protected override render() {
    const d = this.detail.value;
    const h = d?.host;
    return html`
      <div class="head">
        <div>
          <h1>${h?.hostname ?? this.instance} ${h ? html`<span class="badge ${h.up ? 'ok' : 'bad'}">${h.up ? 'up' : 'down'}</span>` : ''}</h1>
          ${h ? html`<div class="facts muted ${h.up ? '' : 'down'}">
            <span>${h.instance} (${h.job})</span><span>${h.os ?? 'unknown OS'}</span><span>kernel ${h.kernel ?? '–'}</span>
            <span>${h.cpuCores ?? '–'} cores</span><span>${formatBytes(h.memoryTotalBytes)} RAM</span>
            <span>${h.up ? `up ${formatDuration(h.uptimeSeconds)}` : `last seen ${formatAgo(h.lastSeenMs)}`}</span>
          </div>` : ''}
        </div>
        <hl-range-picker .range=${this.range} @hl-range=${(e: CustomEvent<TimeRange>) => this.setRange(e.detail)}></hl-range-picker>
      </div>
      ${this.detail.status === 'error' && !d ? renderLoad(this.detail, () => '') : ''}
      <section aria-label="Alerts of this host">${renderLoad(this.alerts, (alerts) => alerts.length ? html`<hl-alert-list ?can-edit=${this.canEdit} .alerts=${alerts}></hl-alert-list>` : '', { label: 'Loading alerts' })}</section>
      <div class="grid" @hl-zoom=${this.onZoom}>
        ${this.charts.map((c) => html`<hl-chart .api=${this.api} .queries=${c.queries} .startMs=${this.window.startMs} .endMs=${this.window.endMs}
          .unit=${c.unit} ?stacked=${c.stacked ?? false} heading=${c.heading}></hl-chart>`)}
      </div>
      <section class="panel" aria-label="Targets of this host">
        <h2>Targets</h2>
        ${renderLoad(this.targets, (rows) => html`<hl-targets-table show-job .hideLabels=${['job']} .targets=${targetsOfHost(rows, { instance: this.instance, hostname: h?.hostname ?? null })}></hl-targets-table>`,
          { empty: (rows) => targetsOfHost(rows, { instance: this.instance, hostname: h?.hostname ?? null }).length === 0, emptyText: 'No scrape target of this host is configured.', label: 'Loading targets' })}
      </section>
      <section class="panel" aria-label="Filesystems">
        <h2>Filesystems</h2>
        ${renderLoad(this.detail, (detail) => html`<div class="table-wrap"><table>
          <thead><tr><th>Mount</th><th>Device</th><th>Type</th><th class="num">Size</th><th class="num">Free</th><th class="num">Used</th><th class="num">Full in</th></tr></thead>
          <tbody>${detail.filesystems.map((f) => {
            const full = this.forecast.value?.get(f.mountpoint);
            return html`<tr><td>${f.mountpoint}</td><td>${f.device}</td><td>${f.fstype}</td><td class="num">${formatBytes(f.sizeBytes)}</td>
              <td class="num">${formatBytes(f.availBytes)}</td><td class="num">${formatPercent(f.usedPercent)}</td>
              <td class="num">${full === undefined || !Number.isFinite(full) ? 'not filling' : formatDuration(full)}</td></tr>`;
          })}</tbody></table></div>`, { empty: (x) => x.filesystems.length === 0, emptyText: 'This host reports no filesystems.' })}
      </section>
      <section class="panel" aria-label="Network interfaces">
        <h2>Network interfaces</h2>
        ${renderLoad(this.detail, (detail) => html`<div class="table-wrap"><table>
          <thead><tr><th>Interface</th><th class="num">In</th><th class="num">Out</th></tr></thead>
          <tbody>${detail.interfaces.map((i) => html`<tr><td>${i.device}</td><td class="num">${formatRate(i.receiveBytesPerSecond)}</td><td class="num">${formatRate(i.transmitBytesPerSecond)}</td></tr>`)}</tbody>
        </table></div>`, { empty: (x) => x.interfaces.length === 0, emptyText: 'This host reports no network interfaces.' })}
      </section>
      <section class="panel" aria-label="Containers">
        <h2>Containers</h2>
        ${renderLoad(this.detail, (detail) => html`<hl-containers-table .containers=${detail.containers} hide-host></hl-containers-table>`,
          { empty: (x) => x.containers.length === 0, emptyText: 'No containers on this host.' })}
      </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-host': PageHost;
  }
}
