/**
 * The time-range picker: presets from 15 minutes to a year, or a custom from/to. It only reports the
 * choice (`hl-range` event); the page writes it into the URL so the view can be shared.
 */
import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { PRESETS, type TimeRange } from '../time-range.js';
import { shared } from '../styles.js';

/** A range picker. */
@customElement('hl-range-picker')
export class HlRangePicker extends LitElement {
  static override styles = [shared, css`
    :host { display: inline-block; }
    .custom { display: flex; gap: .4rem; flex-wrap: wrap; align-items: center; margin-top: .4rem; }
  `];

  @property({ attribute: false }) range: TimeRange = { kind: 'relative', key: '1h', ms: 3_600_000 };
  @state() private custom = false;

  private emit(range: TimeRange): void {
    this.dispatchEvent(new CustomEvent<TimeRange>('hl-range', { detail: range, bubbles: true, composed: true }));
  }

  private onSelect(e: Event): void {
    const key = (e.target as HTMLSelectElement).value;
    if (key === 'custom') { this.custom = true; return; }
    this.custom = false;
    const p = PRESETS.find((x) => x.key === key)!;
    this.emit({ kind: 'relative', key: p.key, ms: p.ms });
  }

  private onApply(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const from = new Date((form.elements.namedItem('from') as HTMLInputElement).value).getTime();
    const to = new Date((form.elements.namedItem('to') as HTMLInputElement).value).getTime();
    if (!(to > from)) return;
    this.emit({ kind: 'absolute', fromMs: from, toMs: to });
  }

  protected override render() {
    const value = this.custom || this.range.kind === 'absolute' ? 'custom' : this.range.key;
    const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    const [from, to] = this.range.kind === 'absolute' ? [this.range.fromMs, this.range.toMs] : [Date.now() - this.range.ms, Date.now()];
    return html`
      <label>
        <span class="visually-hidden">Time range</span>
        <select aria-label="Time range" .value=${value} @change=${this.onSelect}>
          ${PRESETS.map((p) => html`<option value=${p.key} ?selected=${p.key === value}>Last ${p.label}</option>`)}
          <option value="custom" ?selected=${value === 'custom'}>Custom…</option>
        </select>
      </label>
      ${value === 'custom' ? html`<form class="custom" @submit=${this.onApply}>
        <label>From <input name="from" type="datetime-local" .value=${local(from)} required></label>
        <label>To <input name="to" type="datetime-local" .value=${local(to)} required></label>
        <button type="submit">Apply</button>
      </form>` : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-range-picker': HlRangePicker;
  }
}
