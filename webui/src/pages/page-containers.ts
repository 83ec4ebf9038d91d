/** All containers of all hosts, filterable by name, image or host. */
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { Loader } from '../loader.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import type { ContainerSummary } from '../types.js';
import '../components/hl-containers-table.js';

/** The containers page. */
@customElement('page-containers')
export class PageContainers extends LitElement {
  static override styles = [shared];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  @state() private filter = '';
  private readonly containers = new Loader(this, async (signal) => (await this.api.json<{ containers: ContainerSummary[] }>('/api/v1/containers', { signal })).containers);

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('tick') || changed.has('api')) void this.containers.run();
  }

  protected override render() {
    const f = this.filter.toLowerCase();
    return html`<h1>Containers</h1>
      <div class="row" style="margin-bottom:.8rem">
        <input type="search" aria-label="Filter containers" placeholder="Filter by name, image or host…" .value=${this.filter} @input=${(e: Event) => { this.filter = (e.target as HTMLInputElement).value; }}>
      </div>
      <div class="panel">${renderLoad(this.containers, (list) => {
        const shown = f ? list.filter((c) => [c.name, c.image, c.instance].some((x) => x?.toLowerCase().includes(f))) : list;
        return html`<hl-containers-table .containers=${shown}></hl-containers-table>`;
      }, { empty: (l) => l.length === 0, emptyText: 'No containers. The exporter reports Docker containers when it can reach the Docker socket.', label: 'Loading containers' })}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-containers': PageContainers;
  }
}
