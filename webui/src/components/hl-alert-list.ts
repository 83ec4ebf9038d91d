/**
 * A list of alerts (Prometheus API shape), with a "Silence" action that opens the Alerts page's silence
 * form prefilled with the alert's labels.
 */
import { LitElement, html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { silenceFor, type PromAlert, type Silence } from '../types.js';
import { formatAgo } from '../format.js';
import { shared } from '../styles.js';

/** An alert list. */
@customElement('hl-alert-list')
export class HlAlertList extends LitElement {
  static override styles = [shared, css`
    ul { list-style: none; margin: 0; padding: 0; display: grid; gap: .5rem; }
    li { border-left: 4px solid var(--hl-bad); }
    li.pending { border-left-color: var(--hl-warn); }
    .none { border-left-color: var(--hl-ok); }
  `];

  @property({ attribute: false }) alerts: readonly PromAlert[] = [];
  /** On the overview only firing alerts show, and nothing but a one-line "all clear" when there are none. */
  @property({ type: Boolean }) compact = false;
  /** Silences, to mark the alerts they cover (which then offer no "Silence…" link). */
  @property({ attribute: false }) silences: readonly Silence[] = [];
  /** Viewers may look but not silence. */
  @property({ type: Boolean, attribute: 'can-edit' }) canEdit = false;

  protected override render() {
    if (this.alerts.length === 0) {
      return html`<p class="panel none ok" role="status">${this.compact ? 'No alerts firing.' : 'No alerts.'}</p>`;
    }
    return html`<ul aria-label="Alerts">${this.alerts.map((a) => {
      const silence = new URLSearchParams({ silence: JSON.stringify(a.labels) });
      const silencedBy = silenceFor(a.labels, this.silences);
      return html`<li class="panel ${a.state}">
        <div class="row"><span class="badge ${a.state === 'firing' ? 'bad' : 'warn'}">${a.state}</span>
          <strong>${a.labels.alertname ?? 'alert'}</strong>
          <span class="muted">${a.labels.instance ?? ''} ${a.activeAt ? `· since ${formatAgo(Date.parse(a.activeAt))}` : ''}</span>
          ${silencedBy ? html`<span class="badge" style="margin-left:auto" title=${`${silencedBy.comment} (${silencedBy.createdBy}, until ${new Date(silencedBy.endsAt).toLocaleString()})`}>silenced</span>`
            : this.canEdit ? html`<a href=${`/alerts?${silence}`} style="margin-left:auto">Silence…</a>` : ''}</div>
        ${a.annotations.summary || a.annotations.description ? html`<div>${a.annotations.summary ?? a.annotations.description}</div>` : ''}
      </li>`;
    })}</ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-alert-list': HlAlertList;
  }
}
