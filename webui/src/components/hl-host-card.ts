/**
 * One host on the overview: status, OS, uptime, CPU, memory, disk and network with sparklines. A host that
 * is down keeps its last known numbers, greyed, with when it was last seen.
 */
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { HostSummary } from '../types.js';
import { formatAgo, formatDuration, formatPercent, formatRate } from '../format.js';
import { shared } from '../styles.js';
import './hl-sparkline.js';

/** Recent values per metric, for the sparklines. */
export interface HostHistory {
  readonly cpu?: readonly (number | null)[];
  readonly memory?: readonly (number | null)[];
  readonly network?: readonly (number | null)[];
}

/** A host card. */
@customElement('hl-host-card')
export class HlHostCard extends LitElement {
  static override styles = [shared, css`
    :host { display: block; }
    a.card { display: block; color: inherit; text-decoration: none; height: 100%; box-sizing: border-box; }
    a.card:hover { border-color: var(--hl-accent); }
    :host([down]) a.card { opacity: .6; filter: grayscale(1); }
    .title { display: flex; justify-content: space-between; gap: .5rem; align-items: center; }
    .title strong { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .meta { font-size: .8rem; color: var(--hl-muted); margin: .2rem 0 .6rem; }
    dl { display: grid; grid-template-columns: 4.5rem 1fr 5rem; gap: .25rem .5rem; margin: 0; align-items: center; font-size: .85rem; }
    dt { color: var(--hl-muted); }
    dd { margin: 0; text-align: right; font-variant-numeric: tabular-nums; }
  `];

  @property({ attribute: false }) host!: HostSummary;
  @property({ attribute: false }) history: HostHistory = {};
  @property({ type: Boolean, reflect: true }) down = false;

  protected override willUpdate(): void {
    this.down = !this.host.up;
  }

  protected override render() {
    const h = this.host;
    const name = h.hostname ?? h.instance;
    const firing = h.alerts ?? [];
    const status = html`${firing.length > 0 ? html`<span class="badge bad" title=${firing.map((a) => a.alertname).join(', ')}>${firing.length} ${firing.length === 1 ? 'alert' : 'alerts'}</span> ` : ''}${h.up ? html`<span class="badge ok">up</span>` : html`<span class="badge bad">down</span>`}`;
    return html`<a class="card panel" href=${`/hosts/${encodeURIComponent(h.instance)}`} aria-label=${`${name}, ${h.up ? 'up' : 'down'}${firing.length > 0 ? `, ${firing.length} firing` : ''}`}>
      <div class="title"><strong>${name}</strong><span>${status}</span></div>
      <div class="meta">${h.instance} · ${h.os ?? 'unknown OS'} · ${h.up ? `up ${formatDuration(h.uptimeSeconds)}` : `last seen ${formatAgo(h.lastSeenMs)}`}</div>
      <dl>
        <dt>CPU</dt><dd><hl-sparkline .values=${this.history.cpu ?? []} .max=${100} label="CPU history"></hl-sparkline></dd><dd>${formatPercent(h.cpuUsedPercent)}</dd>
        <dt>Memory</dt><dd><hl-sparkline .values=${this.history.memory ?? []} .max=${100} label="Memory history"></hl-sparkline></dd><dd>${formatPercent(h.memoryUsedPercent)}</dd>
        <dt>Disk /</dt><dd></dd><dd>${formatPercent(h.rootDiskUsedPercent)}</dd>
        <dt>Net in</dt><dd><hl-sparkline .values=${this.history.network ?? []} label="Network history"></hl-sparkline></dd><dd>${formatRate(h.networkReceiveBytesPerSecond)}</dd>
        <dt>Net out</dt><dd></dd><dd>${formatRate(h.networkTransmitBytesPerSecond)}</dd>
      </dl>
    </a>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-host-card': HlHostCard;
  }
}
