/**
 * Scrape targets grouped by job, like Prometheus's targets page: health from `up`, last scrape and its
 * duration, and the scraper's last error and labels when /prometheus/api/v1/targets reports them.
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { Loader } from '../loader.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import { StreamWatch, type LiveStream } from '../live-stream.js';
import { loadTargets } from '../targets-data.js';
import '../components/hl-targets-table.js';

/** The targets page. */
@customElement('page-targets')
export class PageTargets extends LitElement {
  static override styles = [shared];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  /** The live stream; while it is live, scrapes arrive as events and `tick` no longer reloads. */
  @property({ attribute: false }) stream: LiveStream | undefined;
  private readonly targets = new Loader(this, (signal) => loadTargets(this.api, signal));
  // Every scrape of every target is an event; the page reloads at most every 2 s however many there are.
  private readonly live = new StreamWatch(this, () => this.stream, () => ['targets'], () => void this.targets.run(), () => void this.targets.run(), 2000);

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('api') || (changed.has('tick') && !this.stream?.live)) void this.targets.run();
  }

  protected override render() {
    return html`<h1>Targets</h1>${renderLoad(this.targets, (rows) => {
      const jobs = [...new Set(rows.map((r) => r.job))];
      return jobs.map((job) => {
        const list = rows.filter((r) => r.job === job);
        return html`<section class="panel" style="margin-bottom:1rem" aria-label=${`Job ${job}`}>
          <h2>${job} <span class="muted">(${list.filter((r) => r.up).length}/${list.length} up)</span></h2>
          <hl-targets-table .targets=${list}></hl-targets-table></section>`;
      });
    }, { empty: (r) => r.length === 0, emptyText: 'No targets. Add scrape_configs to hlmon.yml.', label: 'Loading targets' })}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-targets': PageTargets;
  }
}
