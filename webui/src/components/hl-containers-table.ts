/**
 * A table of containers with CPU, memory (against the limit when there is one) and network.
 */
import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ContainerSummary } from '../types.js';
import { formatBytes, formatPercent, formatRate } from '../format.js';
import { shared } from '../styles.js';

/** A containers table. */
@customElement('hl-containers-table')
export class HlContainersTable extends LitElement {
  static override styles = [shared];

  @property({ attribute: false }) containers: readonly ContainerSummary[] = [];
  /** Leaves out the host column, on a host's own page. */
  @property({ type: Boolean, attribute: 'hide-host' }) hideHost = false;

  protected override render() {
    return html`<div class="table-wrap"><table>
      <thead><tr><th>Name</th>${this.hideHost ? '' : html`<th>Host</th>`}<th>Image</th><th class="num">CPU</th><th class="num">Memory</th><th class="num">Net in</th><th class="num">Net out</th></tr></thead>
      <tbody>${this.containers.map((c) => html`<tr>
        <td>${c.name}</td>
        ${this.hideHost ? '' : html`<td><a href=${`/hosts/${encodeURIComponent(c.instance)}`}>${c.instance}</a></td>`}
        <td><code>${c.image ?? '–'}</code></td>
        <td class="num">${formatPercent(c.cpuPercent)}</td>
        <td class="num">${formatBytes(c.memoryBytes)}${c.memoryLimitBytes ? html` <span class="muted">/ ${formatBytes(c.memoryLimitBytes)}</span>` : ''}</td>
        <td class="num">${formatRate(c.networkReceiveBytesPerSecond)}</td>
        <td class="num">${formatRate(c.networkTransmitBytesPerSecond)}</td>
      </tr>`)}</tbody>
    </table></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-containers-table': HlContainersTable;
  }
}
