/**
 * The checks summary on the overview: how many checks pass, and a heartbeat bar per check. Paused checks
 * (their series are stale, so PromQL no longer returns them) come from GET /api/v1/checks and are shown as
 * paused, not counted as passing or failing.
 */
import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import { checkStatus } from '../checks-data.js';
import type { LiveStream } from '../live-stream.js';
import { LiveCheckRows } from '../live-check-rows.js';
import { formatDuration, formatPercent } from '../format.js';
import './hl-heartbeat.js';

/** The checks summary panel. */
@customElement('hl-checks-summary')
export class HlChecksSummary extends LitElement {
  static override styles = [shared, css`
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: .4rem; }
    li.paused { color: var(--hl-muted); }
    li.paused hl-heartbeat { opacity: .5; }
    li { display: grid; grid-template-columns: minmax(6rem, 14rem) 1fr 8rem; gap: .6rem; align-items: center; font-size: .85rem; }
    @media (max-width: 600px) { li { grid-template-columns: 1fr auto; } hl-heartbeat { grid-column: 1 / -1; grid-row: 2; } }
  `];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  /** The live stream; while it is live, results arrive as events and `tick` no longer reloads. */
  @property({ attribute: false }) stream: LiveStream | undefined;
  private readonly live = new LiveCheckRows(this);
  private readonly checks = this.live.rows;

  private reload(): void {
    this.live.reload();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('api') || (changed.has('tick') && !this.stream?.live)) this.reload();
  }

  protected override render() {
    const rows = this.checks.value;
    const running = rows?.filter((c) => checkStatus(c) !== 'paused') ?? [];
    const paused = (rows?.length ?? 0) - running.length;
    const badge = { up: 'ok', down: 'bad', paused: 'muted', pending: 'muted' } as const;
    return html`<div class="panel">
      <h2>Checks ${rows ? html`<span class="muted">· ${running.filter((c) => checkStatus(c) === 'up').length}/${running.length} passing${paused ? ` · ${paused} paused` : ''}</span>` : ''}</h2>
      ${renderLoad(this.checks, (list) => html`<ul>${list.map((c) => {
        const status = checkStatus(c);
        return html`<li class=${status} data-status=${status}>
          <a href="/checks"><span class="badge ${badge[status]}">${status}</span> ${c.check}</a>
          <hl-heartbeat .beats=${c.heartbeats} label=${`${c.check}, last hour`}></hl-heartbeat>
          <span class="muted" title="uptime over 24 hours">${formatPercent(c.uptime24h === null ? null : c.uptime24h * 100, 2)} · ${formatDuration(c.durationSeconds)}</span>
        </li>`;
      })}</ul>`, { empty: (r) => r.length === 0, emptyText: 'No checks configured. Add http or tcp checks under checks: in hlmon.yml.', label: 'Loading checks' })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-checks-summary': HlChecksSummary;
  }
}
