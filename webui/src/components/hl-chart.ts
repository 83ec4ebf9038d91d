/**
 * A time-series chart of one or more PromQL queries over a range. The query step follows the chart's width
 * (about one point per pixel), ApexCharts is loaded on first use (it is most of the JavaScript), and the
 * panel always shows something: a skeleton, the error, "no data", or the chart. Dragging across the chart
 * asks the page to zoom to that span (`hl-zoom` event). With `fit-data`, a chart whose data covers only the
 * end of its range (a check created minutes ago, in a 6-hour chart) shows the span that has data instead of a
 * few pixels at the right edge; series with few points get markers so single points are visible.
 */
import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import type { ApiClient, PromSeries } from '../api-client.js';
import { stepSecondsFor } from '../time-range.js';
import { formatAxis, formatUnit, type Unit } from '../format.js';
import { effectiveTheme } from '../theme.js';
import { shared } from '../styles.js';
import { errorState, loadingState } from '../states.js';

/** One query of a chart; `legend` may use `{{label}}` placeholders, the expression `$__rate` for the rate window. */
export interface ChartQuery {
  readonly expr: string;
  readonly legend?: string;
}

/** Detail of the `hl-zoom` event. */
export interface ZoomDetail {
  readonly fromMs: number;
  readonly toMs: number;
}

type ApexInstance = import('apexcharts');

interface ChartSeries {
  name: string;
  data: [number, number | null][];
}

/** A chart panel. */
@customElement('hl-chart')
export class HlChart extends LitElement {
  static override styles = [shared, css`
    :host { min-width: 0; }
    .plot.off { visibility: hidden; height: 0 !important; min-height: 0 !important; overflow: hidden; }
    header { display: flex; justify-content: space-between; gap: .5rem; align-items: baseline; }
    header small { color: var(--hl-muted); }
  `];

  @property({ attribute: false }) api!: ApiClient;
  @property({ attribute: false }) queries: readonly ChartQuery[] = [];
  @property({ type: Number }) startMs = 0;
  @property({ type: Number }) endMs = 0;
  @property() unit: Unit = 'number';
  @property({ type: Boolean }) stacked = false;
  @property() heading = '';
  @property({ type: Number }) heightPx = 220;
  @property({ type: Number }) minStepSeconds = 15;
  /** Narrows the x-axis to the span that has data when that is less than half the range (see the class comment). */
  @property({ type: Boolean, attribute: 'fit-data' }) fitData = false;

  @state() private status: 'pending' | 'ready' | 'empty' | 'error' = 'pending';
  @state() private error: Error | undefined;
  @state() private stepSeconds = 0;
  /** Where the x-axis starts: `startMs`, or later when `fitData` narrowed it to the data. */
  @state() private viewStartMs = 0;
  @query('.plot') private plot!: HTMLDivElement;

  private chart: ApexInstance | undefined;
  private series: ChartSeries[] = [];
  private controller: AbortController | undefined;
  private readonly onTheme = () => this.chart?.updateOptions(this.themeOptions(), false, false);

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hl-theme-change', this.onTheme);
    // Start fetching the chart library now, in parallel with the data, instead of after the data arrived.
    void loadApexCharts();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hl-theme-change', this.onTheme);
    this.controller?.abort();
    this.chart?.destroy();
    this.chart = undefined;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('queries') || changed.has('startMs') || changed.has('endMs')) void this.reload();
  }

  /** Fetches every query for the current range and (re)draws. */
  async reload(): Promise<void> {
    if (!this.api || this.queries.length === 0 || this.endMs <= this.startMs) return;
    this.controller?.abort();
    const ac = (this.controller = new AbortController());
    await this.updateComplete;
    // The plot keeps its width while hidden (visibility, not display), so the step is known before the first draw.
    const width = this.plot?.clientWidth || 600;
    const fetchAll = async (startMs: number, step: number) => {
      // A rate window of at least four scrapes and never shorter than one step, like Grafana's $__rate_interval.
      const rateWindow = `${Math.max(4 * this.minStepSeconds, step + this.minStepSeconds)}s`;
      const results = await Promise.all(this.queries.map((q) =>
        this.api.range(q.expr.replaceAll('$__rate', rateWindow), startMs, this.endMs, step, ac.signal)
          .then((r) => r.map((s) => toSeries(s, q.legend)))));
      return results.flat().sort((a, b) => a.name.localeCompare(b.name));
    };
    try {
      let startMs = this.startMs;
      let step = stepSecondsFor(startMs, this.endMs, width, this.minStepSeconds);
      let series = await fetchAll(startMs, step);
      const first = this.fitData ? firstPointMs(series) : undefined;
      if (first !== undefined && this.endMs - first < (this.endMs - this.startMs) / 2) {
        // Fetched again over the span with data, so it also gets a step fine enough to show its shape; one
        // step of margin before the first point, and at least two minutes so a single point is not a wall.
        startMs = Math.max(this.startMs, Math.min(first - step * 1000, this.endMs - MIN_FIT_SPAN_MS));
        step = stepSecondsFor(startMs, this.endMs, width, this.minStepSeconds);
        series = await fetchAll(startMs, step);
      }
      if (ac.signal.aborted) return;
      this.stepSeconds = step;
      this.viewStartMs = startMs;
      this.series = series;
      this.error = undefined;
      this.status = this.series.length === 0 ? 'empty' : 'ready';
      await this.updateComplete;
      if (this.status === 'ready') await this.draw();
    } catch (err) {
      if (ac.signal.aborted) return;
      this.error = err as Error;
      this.status = 'error';
    }
  }

  private async draw(): Promise<void> {
    // One chart draws at a time, in the order their data arrived: ApexCharts renders in several asynchronous
    // steps, and eight charts rendering interleaved on the one main thread would all finish late.
    const turn = drawQueue.then(() => this.drawNow());
    drawQueue = turn.catch(() => undefined);
    await turn;
  }

  private async drawNow(): Promise<void> {
    if (!this.isConnected) return;
    if (this.chart) {
      await this.chart.updateOptions({ series: this.series, xaxis: { min: this.viewStartMs, max: this.endMs }, markers: this.markers() }, false, false);
      this.markDrawn();
      return;
    }
    const ApexCharts = await loadApexCharts();
    if (!this.isConnected || this.chart) return;
    this.chart = new ApexCharts(this.plot, this.options());
    await this.chart.render();
    this.markDrawn();
  }

  private markDrawn(): void {
    this.dataset.drawn = 'true';
    this.dataset.points = String(this.series.reduce((n, s) => n + s.data.length, 0));
    this.dataset.viewStartMs = String(this.viewStartMs);
    if (performance.getEntriesByName('hl-first-chart').length === 0) performance.mark('hl-first-chart');
    this.dispatchEvent(new CustomEvent('hl-chart-drawn', { bubbles: true, composed: true }));
  }

  private themeOptions(): object {
    const dark = effectiveTheme() === 'dark';
    return { theme: { mode: dark ? 'dark' : 'light' }, chart: { background: 'transparent', foreColor: dark ? '#9198a1' : '#59636e' }, grid: { borderColor: dark ? '#30363d' : '#d1d9e0' } };
  }

  /** Markers only when a series has few points: a line through hundreds of points needs none, a lone point does. */
  private markers(): object {
    const most = Math.max(0, ...this.series.map((s) => s.data.filter(([, v]) => v !== null).length));
    return { size: most <= FEW_POINTS ? 3 : 0, strokeWidth: 0 };
  }

  private options(): object {
    const unit = this.unit;
    const theme = this.themeOptions() as { chart: object };
    return {
      ...theme,
      chart: {
        ...theme.chart,
        type: 'area',
        height: this.heightPx,
        stacked: this.stacked,
        animations: { enabled: false },
        toolbar: { show: false, autoSelected: 'zoom' },
        zoom: { enabled: true, type: 'x', allowMouseWheelZoom: false },
        fontFamily: 'inherit',
        events: {
          // The page owns the range: a drag becomes a new range in the URL and a fresh, finer fetch.
          beforeZoom: (_ctx: unknown, { xaxis }: { xaxis: { min: number; max: number } }) => {
            this.dispatchEvent(new CustomEvent<ZoomDetail>('hl-zoom', { detail: { fromMs: Math.round(xaxis.min), toMs: Math.round(xaxis.max) }, bubbles: true, composed: true }));
            return { xaxis: { min: xaxis.min, max: xaxis.max } };
          },
        },
      },
      series: this.series,
      // ApexCharts' default palette has five colours, so the seventh CPU mode looked like the second.
      colors: PALETTE,
      dataLabels: { enabled: false },
      stroke: { width: 1.5, curve: 'straight' },
      fill: { type: 'solid', opacity: this.stacked ? 0.5 : 0.12 },
      legend: { show: true, position: 'bottom', fontSize: '12px' },
      markers: this.markers(),
      xaxis: { type: 'datetime', min: this.viewStartMs, max: this.endMs, labels: { datetimeUTC: false } },
      // Durations start at zero on a nice scale (0, 20, 40 … ms), each label distinct and in one unit.
      yaxis: {
        labels: { formatter: (v: number) => formatAxis(v, unit) },
        ...(unit === 'percent' && this.stacked ? { max: 100, min: 0 } : {}),
        ...(unit === 'seconds' ? { min: 0, forceNiceScale: true, tickAmount: 4 } : {}),
      },
      tooltip: { x: { format: 'dd MMM HH:mm:ss' }, y: { formatter: (v: number) => (unit === 'seconds' ? formatAxis(v, unit) : formatUnit(v, unit)) } },
    };
  }

  protected override render() {
    const label = `${this.heading}: ${this.status === 'ready' ? `${this.series.length} series` : this.status}`;
    return html`<section class="panel" aria-label=${this.heading}>
      <header><h2>${this.heading}</h2>${this.stepSeconds ? html`<small>${this.viewStartMs > this.startMs
        ? html`<span class="fitted" title="the range has no data before this">data since ${new Date(this.viewStartMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })} · </span>` : ''}<span title="query step">step ${this.stepSeconds}s</span></small>` : ''}</header>
      ${this.status === 'pending' ? loadingState(`Loading ${this.heading}`) : ''}
      ${this.status === 'error' ? errorState(this.error!, () => void this.reload()) : ''}
      ${this.status === 'empty' ? html`<p class="state" role="status">No data in this range.</p>` : ''}
      <div class="plot ${this.status === 'ready' ? '' : 'off'}" role="img" aria-label=${label} aria-hidden=${this.status === 'ready' ? 'false' : 'true'} style="min-height:${this.heightPx}px"></div>
    </section>`;
  }
}

/** Ten distinguishable colours (Tableau 10), readable on the light and the dark background. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** A series with at most this many points gets markers. */
const FEW_POINTS = 40;

/** The narrowest span `fitData` shows. */
const MIN_FIT_SPAN_MS = 120_000;

/** The time of the earliest point with a value in any series. */
function firstPointMs(series: readonly ChartSeries[]): number | undefined {
  let first: number | undefined;
  for (const s of series) {
    const p = s.data.find(([, v]) => v !== null);
    if (p && (first === undefined || p[0] < first)) first = p[0];
  }
  return first;
}

/** The end of the last chart draw queued (see `draw`); one main thread per page, so one queue per page. */
let drawQueue: Promise<unknown> = Promise.resolve();

/** The chart library, loaded once on first use; a failed load is retried by the next chart. */
let apexCharts: Promise<typeof import('apexcharts')> | undefined;
function loadApexCharts(): Promise<typeof import('apexcharts')> {
  apexCharts ??= import('apexcharts').then((m) => m.default, (err) => { apexCharts = undefined; throw err; });
  return apexCharts;
}

function toSeries(s: PromSeries, legend: string | undefined): ChartSeries {
  const name = legend ? legend.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => s.metric[k] ?? '') : labelText(s.metric);
  return {
    name: name || 'value',
    data: s.values.map(([t, v]) => {
      const x = Number(v);
      return [Math.round(t * 1000), Number.isFinite(x) ? x : null];
    }),
  };
}

function labelText(metric: Record<string, string>): string {
  const { __name__: name = '', ...rest } = metric;
  const pairs = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(', ');
  return pairs ? `${name}{${pairs}}` : name;
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-chart': HlChart;
  }
}
