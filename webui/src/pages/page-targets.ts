/**
 * Scrape targets grouped by job, like Prometheus's targets page: health from `up`, last scrape duration,
 * and the scraper's last error and labels when /prometheus/api/v1/targets reports them.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { Loader } from '../loader.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import { formatAgo, formatDuration } from '../format.js';
import { StreamWatch, type LiveStream } from '../live-stream.js';

interface ActiveTarget { labels: Record<string, string>; scrapeUrl?: string; lastError?: string; lastScrape?: string; health?: string }
interface TargetRow { job: string; instance: string; up: boolean; durationSeconds: number | null; lastScrapeMs: number | null; lastError: string; labels: Record<string, string>; scrapeUrl: string }

/** The targets page. */
@customElement('page-targets')
export class PageTargets extends LitElement {
  static override styles = [shared];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  /** The live stream; while it is live, scrapes arrive as events and `tick` no longer reloads. */
  @property({ attribute: false }) stream: LiveStream | undefined;
  private readonly targets = new Loader(this, (signal) => this.load(signal));
  // Every scrape of every target is an event; the page reloads at most every 2 s however many there are.
  private readonly live = new StreamWatch(this, () => this.stream, () => ['targets'], () => void this.targets.run(), () => void this.targets.run(), 2000);

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('api') || (changed.has('tick') && !this.stream?.live)) void this.targets.run();
  }

  private async load(signal: AbortSignal): Promise<TargetRow[]> {
    const [up, duration, api] = await Promise.all([
      this.api.instant('up', signal),
      this.api.instant('scrape_duration_seconds', signal),
      this.api.prom<{ activeTargets: ActiveTarget[] }>('targets', {}, signal),
    ]);
    const key = (m: Record<string, string>) => `${m.job}\u0000${m.instance}`;
    const dur = new Map(duration.map((s) => [key(s.metric), Number(s.value[1])]));
    const active = new Map(api.activeTargets.map((t) => [key(t.labels), t]));
    return up.map((s) => {
      const a = active.get(key(s.metric));
      const { __name__: _, ...labels } = s.metric;
      return {
        job: s.metric.job ?? '', instance: s.metric.instance ?? '', up: Number(s.value[1]) === 1,
        durationSeconds: dur.get(key(s.metric)) ?? null, lastScrapeMs: Math.round(s.value[0] * 1000),
        lastError: a?.lastError ?? '', labels: a?.labels ?? labels, scrapeUrl: a?.scrapeUrl ?? '',
      };
    }).sort((a, b) => a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance));
  }

  protected override render() {
    return html`<h1>Targets</h1>${renderLoad(this.targets, (rows) => {
      const jobs = [...new Set(rows.map((r) => r.job))];
      return jobs.map((job) => {
        const list = rows.filter((r) => r.job === job);
        return html`<section class="panel" style="margin-bottom:1rem" aria-label=${`Job ${job}`}>
          <h2>${job} <span class="muted">(${list.filter((r) => r.up).length}/${list.length} up)</span></h2>
          <div class="table-wrap"><table><thead><tr><th>Endpoint</th><th>State</th><th>Labels</th><th>Last scrape</th><th class="num">Duration</th><th>Error</th></tr></thead>
          <tbody>${list.map((r) => html`<tr><td>${r.scrapeUrl || r.instance}</td>
            <td><span class="badge ${r.up ? 'ok' : 'bad'}">${r.up ? 'UP' : 'DOWN'}</span></td>
            <td>${Object.entries(r.labels).map(([k, v]) => html`<code>${k}="${v}"</code> `)}</td>
            <td>${formatAgo(r.lastScrapeMs)}</td><td class="num">${formatDuration(r.durationSeconds)}</td><td class="bad">${r.lastError}</td></tr>`)}</tbody>
          </table></div></section>`;
      });
    }, { empty: (r) => r.length === 0, emptyText: 'No targets. Add scrape_configs to hlmon.yml.', label: 'Loading targets' })}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-targets': PageTargets;
  }
}
