/**
 * Explore: a PromQL box with completion of metric names, label names and functions (from
 * /prometheus/api/v1/label/__name__/values and /labels), and the result as a graph or a table. The query,
 * view and range live in the URL so an exploration can be shared.
 */
import { LitElement, html, css } from 'lit';
import { customElement, property, state, query } from 'lit/decorators.js';
import type { ApiClient, PromVectorSample } from '../api-client.js';
import { shared } from '../styles.js';
import { errorState, loadingState } from '../states.js';
import { rangeFromSearch, rangeToSearch, resolveRange, type TimeRange } from '../time-range.js';
import { completionContext, PROMQL_FUNCTIONS, rankCandidates } from '../autocomplete.js';
import { formatNumber } from '../format.js';
import type { ChartQuery, ZoomDetail } from '../components/hl-chart.js';
import '../components/hl-chart.js';
import '../components/hl-range-picker.js';

/** The explore page. */
@customElement('page-explore')
export class PageExplore extends LitElement {
  static override styles = [shared, css`
    .box { position: relative; }
    textarea { width: 100%; box-sizing: border-box; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; min-height: 3.2rem; resize: vertical; }
    ul[role="listbox"] { position: absolute; z-index: 4; left: 0; top: 100%; margin: 0; padding: .2rem 0; list-style: none; background: var(--hl-panel); border: 1px solid var(--hl-border); border-radius: 6px; min-width: 16rem; max-height: 18rem; overflow: auto; box-shadow: 0 4px 12px rgba(0,0,0,.2); }
    li[role="option"] { padding: .25rem .7rem; cursor: pointer; font-family: ui-monospace, monospace; font-size: .85rem; }
    li[aria-selected="true"] { background: var(--hl-accent); color: #fff; }
    .tabs { margin: .8rem 0; }
    .tabs button[aria-selected="true"] { background: var(--hl-accent); color: #fff; }
  `];

  @property({ attribute: false }) api!: ApiClient;
  @state() private expr = new URLSearchParams(location.search).get('q') ?? '';
  @state() private view: 'graph' | 'table' = new URLSearchParams(location.search).get('view') === 'table' ? 'table' : 'graph';
  @state() private range: TimeRange = rangeFromSearch(location.search, '1h');
  @state() private ran: { expr: string; startMs: number; endMs: number } | undefined;
  @state() private suggestions: string[] = [];
  @state() private active = 0;
  @state() private table: { status: 'idle' | 'pending' | 'done' | 'error'; rows: PromVectorSample[]; error?: Error } = { status: 'idle', rows: [] };
  @query('textarea') private input!: HTMLTextAreaElement;
  private metricNames: string[] = [];
  private labelNames: string[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    // Names for completion are fetched once per visit; a failure only means no suggestions.
    queueMicrotask(() => {
      void this.api.prom<string[]>('label/__name__/values', {}).then((n) => { this.metricNames = n; }, () => {});
      void this.api.prom<string[]>('labels', {}).then((n) => { this.labelNames = n.filter((x) => x !== '__name__'); }, () => {});
      if (this.expr) this.run();
    });
  }

  private run(): void {
    if (!this.expr.trim()) return;
    this.suggestions = [];
    const { startMs, endMs } = resolveRange(this.range, Date.now());
    this.ran = { expr: this.expr, startMs, endMs };
    const p = new URLSearchParams(rangeToSearch(this.range, location.search));
    p.set('q', this.expr); p.set('view', this.view);
    history.replaceState(history.state, '', `${location.pathname}?${p}`);
    if (this.view === 'table') void this.runTable();
  }

  private async runTable(): Promise<void> {
    if (!this.ran) return;
    this.table = { status: 'pending', rows: this.table.rows };
    try {
      this.table = { status: 'done', rows: await this.api.instant(this.ran.expr, undefined, this.ran.endMs) };
    } catch (err) {
      this.table = { status: 'error', rows: [], error: err as Error };
    }
  }

  private onInput(): void {
    this.expr = this.input.value;
    const ctx = completionContext(this.expr, this.input.selectionStart ?? this.expr.length);
    if (!ctx) { this.suggestions = []; return; }
    const pool = ctx.kind === 'label' ? this.labelNames : [...this.metricNames, ...PROMQL_FUNCTIONS];
    this.suggestions = rankCandidates(ctx.word, pool);
    this.active = 0;
  }

  private accept(s: string): void {
    const cursor = this.input.selectionStart ?? this.expr.length;
    const ctx = completionContext(this.expr, cursor);
    if (!ctx) return;
    this.expr = this.expr.slice(0, ctx.from) + s + this.expr.slice(cursor);
    this.suggestions = [];
    const pos = ctx.from + s.length;
    void this.updateComplete.then(() => { this.input.focus(); this.input.setSelectionRange(pos, pos); });
  }

  private onKey(e: KeyboardEvent): void {
    if (this.suggestions.length > 0) {
      if (e.key === 'ArrowDown') { e.preventDefault(); this.active = (this.active + 1) % this.suggestions.length; return; }
      if (e.key === 'ArrowUp') { e.preventDefault(); this.active = (this.active + this.suggestions.length - 1) % this.suggestions.length; return; }
      if (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey)) { e.preventDefault(); this.accept(this.suggestions[this.active]!); return; }
      if (e.key === 'Escape') { this.suggestions = []; return; }
    }
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); this.run(); }
  }

  private setView(v: 'graph' | 'table'): void {
    this.view = v;
    this.run();
  }

  protected override render() {
    const queries: ChartQuery[] = this.ran ? [{ expr: this.ran.expr }] : [];
    return html`<h1>Explore</h1>
      <div class="box">
        <label for="q" class="visually-hidden">PromQL expression</label>
        <textarea id="q" role="combobox" aria-autocomplete="list" aria-expanded=${this.suggestions.length > 0} aria-controls="suggest"
          aria-activedescendant=${this.suggestions.length ? `s${this.active}` : ''} spellcheck="false"
          placeholder="PromQL, e.g. rate(node_cpu_seconds_total[5m]) — Enter runs, Shift+Enter adds a line" .value=${this.expr}
          @input=${this.onInput} @keydown=${this.onKey} @blur=${() => setTimeout(() => { this.suggestions = []; }, 150)}></textarea>
        ${this.suggestions.length ? html`<ul id="suggest" role="listbox" aria-label="Suggestions">${this.suggestions.map((s, i) => html`<li id=${`s${i}`} role="option"
          aria-selected=${i === this.active} @mousedown=${(e: Event) => { e.preventDefault(); this.accept(s); }}>${s}</li>`)}</ul>` : ''}
      </div>
      <div class="row tabs">
        <button class="primary" @click=${() => this.run()}>Run</button>
        <div role="tablist" aria-label="View" class="row">
          <button role="tab" aria-selected=${this.view === 'graph'} @click=${() => this.setView('graph')}>Graph</button>
          <button role="tab" aria-selected=${this.view === 'table'} @click=${() => this.setView('table')}>Table</button>
        </div>
        <hl-range-picker .range=${this.range} @hl-range=${(e: CustomEvent<TimeRange>) => { this.range = e.detail; this.run(); }}></hl-range-picker>
      </div>
      ${!this.ran ? html`<p class="state">Type a query and press Enter.</p>` : this.view === 'graph'
        ? html`<hl-chart .api=${this.api} .queries=${queries} .startMs=${this.ran.startMs} .endMs=${this.ran.endMs} heading=${this.ran.expr} .heightPx=${340}
            @hl-zoom=${(e: CustomEvent<ZoomDetail>) => { this.range = { kind: 'absolute', fromMs: e.detail.fromMs, toMs: e.detail.toMs }; this.run(); }}></hl-chart>`
        : this.renderTable()}`;
  }

  private renderTable() {
    const t = this.table;
    if (t.status === 'pending' && t.rows.length === 0) return loadingState('Running query');
    if (t.status === 'error') return errorState(t.error!, () => void this.runTable());
    if (t.rows.length === 0) return html`<p class="state">Empty result.</p>`;
    return html`<div class="panel table-wrap"><table aria-label="Result"><thead><tr><th>Series</th><th class="num">Value</th></tr></thead>
      <tbody>${t.rows.map((r) => html`<tr><td><code>${seriesText(r.metric)}</code></td><td class="num">${formatNumber(Number(r.value[1]))}</td></tr>`)}</tbody></table></div>`;
  }
}

function seriesText(metric: Record<string, string>): string {
  const { __name__: name = '', ...rest } = metric;
  const pairs = Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(', ');
  return `${name}{${pairs}}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'page-explore': PageExplore;
  }
}
