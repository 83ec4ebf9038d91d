/** Rule groups with each rule's state, health, last error and evaluation time (Prometheus API shape). */
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { Loader } from '../loader.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import { formatAgo, formatDuration } from '../format.js';

interface Rule { name: string; query: string; type: 'alerting' | 'recording'; state?: string; health: string; lastError?: string; evaluationTime: number; lastEvaluation: string; duration?: number }
interface Group { name: string; file: string; interval: number; rules: Rule[]; evaluationTime: number; lastEvaluation: string }

/** The rules page. */
@customElement('page-rules')
export class PageRules extends LitElement {
  static override styles = [shared];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  private readonly groups = new Loader(this, async (signal) => (await this.api.prom<{ groups: Group[] }>('rules', {}, signal)).groups);

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('tick') || changed.has('api')) void this.groups.run();
  }

  protected override render() {
    return html`<h1>Rules</h1>${renderLoad(this.groups, (groups) => html`${groups.map((g) => html`<section class="panel" style="margin-bottom:1rem" aria-label=${`Group ${g.name}`}>
      <h2>${g.name} <span class="muted">· ${g.file} · every ${formatDuration(g.interval)} · took ${formatDuration(g.evaluationTime)}</span></h2>
      <div class="table-wrap"><table><thead><tr><th>Rule</th><th>State</th><th>Health</th><th>Last evaluation</th><th class="num">Took</th></tr></thead>
      <tbody>${g.rules.map((r) => html`<tr>
        <td><strong>${r.name}</strong><br><code>${r.query}</code>${r.lastError ? html`<div class="bad">${r.lastError}</div>` : ''}</td>
        <td>${r.type === 'alerting' ? html`<span class="badge ${r.state === 'firing' ? 'bad' : r.state === 'pending' ? 'warn' : 'ok'}">${r.state}</span>` : 'recording'}</td>
        <td class=${r.health === 'ok' ? 'ok' : r.health === 'err' ? 'bad' : 'muted'}>${r.health}</td>
        <td>${formatAgo(Date.parse(r.lastEvaluation))}</td><td class="num">${formatDuration(r.evaluationTime)}</td>
      </tr>`)}</tbody></table></div></section>`)}`,
      { empty: (g) => g.length === 0, emptyText: 'No rule groups. Add rule files under rule_files in hlmon.yml.', label: 'Loading rules' })}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-rules': PageRules;
  }
}
