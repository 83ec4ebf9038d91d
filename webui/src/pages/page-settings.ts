/**
 * Settings: theme and refresh interval (kept in this browser), the server's build, and the users list
 * (GET /api/v1/users, see docs/webui.md).
 */
import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { Loader } from '../loader.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import { applyTheme, loadThemeChoice, type ThemeChoice } from '../theme.js';
import { loadRefreshSeconds, saveRefreshSeconds } from '../settings.js';
import type { User } from '../types.js';

/** The settings page. */
@customElement('page-settings')
export class PageSettings extends LitElement {
  static override styles = [shared];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  @state() private theme: ThemeChoice = loadThemeChoice();
  private readonly build = new Loader(this, (signal) => this.api.prom<{ version: string; revision: string; application?: string }>('status/buildinfo', {}, signal));
  private readonly users = new Loader(this, async (signal) => (await this.api.json<{ users: User[] }>('/api/v1/users', { signal })).users);

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('api')) { void this.build.run(); void this.users.run(); }
  }

  private setTheme(e: Event): void {
    this.theme = (e.target as HTMLSelectElement).value as ThemeChoice;
    applyTheme(this.theme);
  }

  private setRefresh(e: Event): void {
    const v = Number((e.target as HTMLSelectElement).value);
    saveRefreshSeconds(v);
    this.dispatchEvent(new CustomEvent('hl-refresh-changed', { bubbles: true, composed: true }));
  }

  protected override render() {
    return html`<h1>Settings</h1>
      <div class="grid">
        <section class="panel" aria-label="This browser"><h2>This browser</h2>
          <p><label>Theme <select .value=${this.theme} @change=${this.setTheme}>
            <option value="system">as the system</option><option value="light">light</option><option value="dark">dark</option></select></label></p>
          <p><label>Refresh every <select .value=${String(loadRefreshSeconds())} @change=${this.setRefresh}>
            ${[5, 15, 30, 60, 300].map((s) => html`<option value=${s} ?selected=${s === loadRefreshSeconds()}>${s} s</option>`)}</select></label></p>
        </section>
        <section class="panel" aria-label="Server"><h2>Server</h2>
          ${renderLoad(this.build, (b) => html`<p>${b.application ?? 'hlmon'} ${b.revision} <span class="muted">(Prometheus API ${b.version})</span></p>
            <p class="muted">Grafana: add a Prometheus data source with URL <code>${location.origin}/prometheus</code>.</p>`)}
        </section>
        <section class="panel" aria-label="Users"><h2>Users</h2>
          ${renderLoad(this.users, (users) => html`<table><thead><tr><th>User</th><th>Role</th></tr></thead>
            <tbody>${users.map((u) => html`<tr><td>${u.username}</td><td>${u.role}</td></tr>`)}</tbody></table>`, { empty: (u) => u.length === 0, emptyText: 'No users: the server runs without login.' })}
        </section>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-settings': PageSettings;
  }
}
