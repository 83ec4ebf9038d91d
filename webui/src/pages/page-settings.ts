/**
 * Settings: theme and refresh interval (kept in this browser), the server's build, and the server's
 * administration: users and API keys (admins only; the API answers them to admins only), notification
 * receivers with a "send test" button (editors and admins), and public status pages (everyone sees the list;
 * editors and admins create, edit and delete). A section the server does not provide shows its error state.
 */
import { LitElement, html, css, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { Loader } from '../loader.js';
import { renderLoad } from '../states.js';
import { shared } from '../styles.js';
import { applyTheme, loadThemeChoice, type ThemeChoice } from '../theme.js';
import { loadRefreshSeconds, saveRefreshSeconds } from '../settings.js';
import { formatAgo } from '../format.js';
import type { ApiKey, Receiver, ReceiverTestResult, Role, StatusPage, User } from '../types.js';

const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** The settings page. */
@customElement('page-settings')
export class PageSettings extends LitElement {
  static override styles = [shared, css`
    section.wide { grid-column: 1 / -1; }
    form.row { margin-top: .8rem; }
    .secret { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .6rem 0; padding: .6rem; border: 1px solid var(--hl-warn); border-radius: 6px; }
    .secret code { word-break: break-all; font-size: .95rem; }
    td.actions { white-space: nowrap; text-align: right; }
    td.actions button, td select { padding: .15rem .5rem; font-size: .85rem; }
    tr.revoked td { color: var(--hl-muted); text-decoration: line-through; }
    tr.revoked td.actions { text-decoration: none; }
    ul.results { margin: .3rem 0 0; padding-left: 1.2rem; font-size: .85rem; }
    fieldset { border: 1px solid var(--hl-border); border-radius: 6px; padding: .4rem .6rem; }
    fieldset label { margin-right: .8rem; white-space: nowrap; }
  `];

  @property({ attribute: false }) api!: ApiClient;
  @property({ type: Number }) tick = 0;
  /** The caller's role: users and keys are shown to admins, the edit buttons to editors and admins. */
  @property({ attribute: false }) userRole: Role = 'viewer';
  @state() private theme: ThemeChoice = loadThemeChoice();
  /** A key's secret, right after creating it: shown once, never fetched again. */
  @state() private newSecret: { name: string; secret: string } | undefined;
  @state() private copied = false;
  /** Receiver name → the last test's outcome (or 'sending'). */
  @state() private tests = new Map<string, ReceiverTestResult[] | 'sending' | Error>();
  /** The slug of the status page being edited, '' for a new one, undefined when the form is closed. */
  @state() private editingPage: string | undefined;
  /** The outcome of the last change per section, announced to screen readers. */
  @state() private messages: Record<'users' | 'keys' | 'pages', string> = { users: '', keys: '', pages: '' };

  private readonly build = new Loader(this, (signal) => this.api.prom<{ version: string; revision: string; application?: string }>('status/buildinfo', {}, signal));
  private readonly users = new Loader(this, async (signal) => (await this.api.json<{ users: User[] }>('/api/v1/users', { signal })).users);
  private readonly keys = new Loader(this, async (signal) => (await this.api.json<{ keys: ApiKey[] }>('/api/v1/keys', { signal })).keys);
  private readonly receivers = new Loader(this, async (signal) => (await this.api.json<{ receivers: Receiver[] }>('/api/v1/receivers', { signal })).receivers);
  private readonly pages = new Loader(this, async (signal) => (await this.api.json<{ pages: StatusPage[] }>('/api/v1/status-pages', { signal })).pages);
  /** Check names for the status page form; empty when the server lists none. */
  private readonly checkNames = new Loader(this, async (signal) =>
    (await this.api.json<{ checks: { name: string }[] }>('/api/v1/checks', { signal }).catch(() => ({ checks: [] }))).checks.map((c) => c.name));

  private get isAdmin(): boolean { return this.userRole === 'admin'; }
  private get canEdit(): boolean { return this.userRole !== 'viewer'; }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('api') || changed.has('userRole')) this.loadAll();
    // Polling keeps "last used" fresh; the lists do not change under the user's hands otherwise.
    else if (changed.has('tick') && this.isAdmin) void this.keys.run();
  }

  private loadAll(): void {
    if (!this.api) return;
    void this.build.run();
    void this.receivers.run();
    void this.pages.run();
    if (this.isAdmin) { void this.users.run(); void this.keys.run(); }
    if (this.canEdit) void this.checkNames.run();
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

  /** Sends a change; the section's message says what happened, and its list reloads on success. */
  private async send(section: keyof PageSettings['messages'], path: string, method: string, body: unknown, done: string, reload: Loader<unknown>): Promise<unknown> {
    try {
      const res = await this.api.json<unknown>(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      this.messages = { ...this.messages, [section]: done };
      void reload.run();
      return res ?? true;
    } catch (err) {
      this.messages = { ...this.messages, [section]: `Failed: ${(err as Error).message}` };
      return undefined;
    }
  }

  private async createUser(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const d = Object.fromEntries(new FormData(form)) as Record<string, string>;
    if (await this.send('users', '/api/v1/users', 'POST', { username: d.username, password: d.password, role: d.role }, `User ${d.username} created.`, this.users)) form.reset();
  }

  private changeRole(u: User, e: Event): void {
    const select = e.target as HTMLSelectElement;
    const role = select.value as Role;
    void this.send('users', `/api/v1/users/${u.id}`, 'PATCH', { role }, `${u.username} is now ${role}.`, this.users).then((ok) => {
      // A refused change (the last admin) puts the select back to what the server has.
      if (!ok) select.value = u.role;
    });
  }

  private deleteUser(u: User): void {
    if (!confirm(`Delete the user ${u.username}? Their sessions end.`)) return;
    void this.send('users', `/api/v1/users/${u.id}`, 'DELETE', undefined, `User ${u.username} deleted.`, this.users);
  }

  private async createKey(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const d = Object.fromEntries(new FormData(form)) as Record<string, string>;
    this.newSecret = undefined;
    const res = await this.send('keys', '/api/v1/keys', 'POST', { name: d.name, role: d.role }, `Key ${d.name} created.`, this.keys) as { secret?: string } | undefined;
    if (res?.secret) {
      this.newSecret = { name: d.name!, secret: res.secret };
      this.copied = false;
      form.reset();
    }
  }

  private async copySecret(): Promise<void> {
    const secret = this.newSecret?.secret;
    if (!secret) return;
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      // No clipboard permission (or not a secure origin): select the text so Ctrl+C copies it.
      const code = this.renderRoot.querySelector('.secret code');
      if (code) getSelection()?.selectAllChildren(code);
      this.messages = { ...this.messages, keys: 'Select the key and copy it with Ctrl+C: this browser did not allow copying.' };
      return;
    }
    this.copied = true;
  }

  private revokeKey(k: ApiKey): void {
    if (!confirm(`Revoke the key ${k.name}? Anything using it is refused from now on.`)) return;
    void this.send('keys', `/api/v1/keys/${k.id}`, 'DELETE', undefined, `Key ${k.name} revoked.`, this.keys);
  }

  private async testReceiver(name: string): Promise<void> {
    this.tests = new Map(this.tests).set(name, 'sending');
    let outcome: ReceiverTestResult[] | Error;
    try {
      outcome = (await this.api.json<{ results: ReceiverTestResult[] }>(`/api/v1/receivers/${encodeURIComponent(name)}/test`, { method: 'POST' })).results;
    } catch (err) {
      outcome = err as Error;
    }
    this.tests = new Map(this.tests).set(name, outcome);
  }

  private async savePage(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const fd = new FormData(form);
    const slug = String(fd.get('slug') ?? '');
    const typed = String(fd.get('checksText') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const checks = [...fd.getAll('checks').map(String), ...typed];
    const body = { title: String(fd.get('title') ?? ''), description: String(fd.get('description') ?? ''), checks };
    if (checks.length === 0) { this.messages = { ...this.messages, pages: 'Choose at least one check.' }; return; }
    const verb = this.editingPage ? 'saved' : 'created';
    if (await this.send('pages', `/api/v1/status-pages/${encodeURIComponent(slug)}`, 'PUT', body, `Status page ${slug} ${verb}.`, this.pages)) this.editingPage = undefined;
  }

  private deletePage(p: StatusPage): void {
    if (!confirm(`Delete the status page ${p.title}? Its public address stops working.`)) return;
    void this.send('pages', `/api/v1/status-pages/${encodeURIComponent(p.slug)}`, 'DELETE', undefined, `Status page ${p.slug} deleted.`, this.pages);
  }

  private message(section: keyof PageSettings['messages']) {
    const m = this.messages[section];
    return m ? html`<p role="status" class=${m.startsWith('Failed') ? 'bad' : 'muted'}>${m}</p>` : '';
  }

  private renderUsers() {
    return html`<section class="panel" aria-label="Users"><h2>Users</h2>
      ${renderLoad(this.users, (users) => html`<div class="table-wrap"><table><thead><tr><th>User</th><th>Role</th><th>Created</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${users.map((u) => html`<tr>
          <td>${u.username}</td>
          <td><select aria-label=${`Role of ${u.username}`} .value=${u.role} @change=${(e: Event) => this.changeRole(u, e)}>
            ${ROLES.map((r) => html`<option value=${r} ?selected=${r === u.role}>${r}</option>`)}</select></td>
          <td class="muted">${u.createdAtMs ? formatAgo(u.createdAtMs) : '–'}</td>
          <td class="actions"><button @click=${() => this.deleteUser(u)} aria-label=${`Delete user ${u.username}`}>Delete</button></td>
        </tr>`)}</tbody></table></div>`, { empty: (u) => u.length === 0, emptyText: 'No users: the server runs without login.', label: 'Loading users' })}
      <form class="row" aria-label="New user" @submit=${this.createUser}>
        <label>User name <input name="username" required autocomplete="off" pattern="[A-Za-z0-9_.@\\-]+" size="12"></label>
        <label>Password <input name="password" type="password" required minlength="10" autocomplete="new-password" size="14"></label>
        <label>Role <select name="role">${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}</select></label>
        <button class="primary" type="submit">Create user</button>
      </form>
      ${this.message('users')}
    </section>`;
  }

  private renderKeys() {
    return html`<section class="panel" aria-label="API keys"><h2>API keys</h2>
      <p class="muted">For scripts and Grafana: send <code>Authorization: Bearer &lt;key&gt;</code>. A key acts with its role.</p>
      ${this.newSecret ? html`<div class="secret" role="status" aria-label="New API key">
        <span>Key <strong>${this.newSecret.name}</strong> — copy it now, it is not shown again:</span>
        <code data-secret>${this.newSecret.secret}</code>
        <button @click=${this.copySecret}>${this.copied ? 'Copied' : 'Copy'}</button>
        <button @click=${() => { this.newSecret = undefined; }} aria-label="Hide the key">Done</button>
      </div>` : ''}
      ${renderLoad(this.keys, (keys) => html`<div class="table-wrap"><table><thead><tr><th>Name</th><th>Key</th><th>Role</th><th>Created</th><th>Last used</th><th><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${keys.map((k) => html`<tr class=${k.revokedAtMs ? 'revoked' : ''}>
          <td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${k.role}</td>
          <td class="muted">${formatAgo(k.createdAtMs)}</td>
          <td class="last-used">${k.lastUsedMs ? formatAgo(k.lastUsedMs) : 'never'}</td>
          <td class="actions">${k.revokedAtMs ? html`<span class="muted">revoked ${formatAgo(k.revokedAtMs)}</span>` : html`<button @click=${() => this.revokeKey(k)} aria-label=${`Revoke key ${k.name}`}>Revoke</button>`}</td>
        </tr>`)}</tbody></table></div>`, { empty: (k) => k.length === 0, emptyText: 'No API keys yet.', label: 'Loading API keys' })}
      <form class="row" aria-label="New API key" @submit=${this.createKey}>
        <label>Name <input name="name" required maxlength="100" placeholder="grafana" size="14"></label>
        <label>Role <select name="role">${ROLES.map((r) => html`<option value=${r}>${r}</option>`)}</select></label>
        <button class="primary" type="submit">Create key</button>
      </form>
      ${this.message('keys')}
    </section>`;
  }

  private renderTest(name: string) {
    const t = this.tests.get(name);
    if (t === undefined) return '';
    if (t === 'sending') return html`<span class="muted" role="status">sending…</span>`;
    if (t instanceof Error) return html`<span class="bad" role="status">Failed: ${t.message}</span>`;
    return html`<ul class="results" role="status" aria-label=${`Test of ${name}`}>${t.map((r) => html`<li class=${r.ok ? 'ok' : 'bad'}>
      ${r.integration}: ${r.ok ? 'sent' : `failed — ${r.error}`} <span class="muted">(${Math.round(r.durationMs)} ms)</span></li>`)}</ul>`;
  }

  private renderReceivers() {
    return html`<section class="panel" aria-label="Receivers"><h2>Notification receivers</h2>
      ${renderLoad(this.receivers, (list) => html`<div class="table-wrap"><table><thead><tr><th>Receiver</th><th>Integrations</th>${this.canEdit ? html`<th>Test</th>` : ''}</tr></thead>
        <tbody>${list.map((r) => html`<tr>
          <td>${r.name}</td><td>${r.integrations.length ? r.integrations.join(', ') : html`<span class="muted">none</span>`}</td>
          ${this.canEdit ? html`<td><button @click=${() => this.testReceiver(r.name)} ?disabled=${this.tests.get(r.name) === 'sending'} aria-label=${`Send test to ${r.name}`}>Send test</button>${this.renderTest(r.name)}</td>` : ''}
        </tr>`)}</tbody></table></div>`, { empty: (l) => l.length === 0, emptyText: 'No receivers. Add them under alerting.receivers in hlmon.yml.', label: 'Loading receivers' })}
    </section>`;
  }

  private renderPageForm(p: StatusPage | undefined) {
    const names = [...new Set([...(this.checkNames.value ?? []), ...(p?.checks ?? [])])].sort();
    return html`<form class="panel" aria-label=${p ? `Edit status page ${p.slug}` : 'New status page'} @submit=${this.savePage} style="margin-top:.8rem">
      <div class="row">
        <label>Address /status/<input name="slug" required pattern="[a-z0-9][a-z0-9\\-]*" .value=${p?.slug ?? ''} ?readonly=${!!p} size="12"></label>
        <label>Title <input name="title" required maxlength="200" .value=${p?.title ?? ''} size="20"></label>
        <label>Description <input name="description" maxlength="2000" .value=${p?.description ?? ''} size="30"></label>
      </div>
      ${names.length ? html`<fieldset style="margin-top:.6rem"><legend>Checks shown</legend>
        ${names.map((n) => html`<label><input type="checkbox" name="checks" value=${n} ?checked=${p?.checks.includes(n) ?? false}> ${n}</label>`)}</fieldset>`
        : html`<p><label>Checks shown (comma-separated names) <input name="checksText" required size="30"></label></p>`}
      <div class="row" style="margin-top:.6rem"><button class="primary" type="submit">${p ? 'Save page' : 'Create page'}</button>
        <button type="button" @click=${() => { this.editingPage = undefined; }}>Cancel</button></div>
    </form>`;
  }

  private renderPages() {
    const list = this.pages.value ?? [];
    const editing = this.editingPage ? list.find((p) => p.slug === this.editingPage) : undefined;
    return html`<section class="panel wide" aria-label="Status pages"><div class="row" style="justify-content:space-between"><h2>Status pages</h2>
        ${this.canEdit ? html`<button @click=${() => { this.editingPage = this.editingPage === '' ? undefined : ''; }} aria-expanded=${this.editingPage === ''}>New status page</button>` : ''}</div>
      <p class="muted">Public, read-only pages of chosen checks: anyone with the address sees them without logging in.</p>
      ${renderLoad(this.pages, (pages) => html`<div class="table-wrap"><table><thead><tr><th>Page</th><th>Address</th><th>Checks</th>${this.canEdit ? html`<th><span class="visually-hidden">Actions</span></th>` : ''}</tr></thead>
        <tbody>${pages.map((p) => html`<tr>
          <td>${p.title}${p.description ? html`<br><span class="muted">${p.description}</span>` : ''}</td>
          <td><a href=${`/status/${p.slug}`} target="_blank" rel="noopener">/status/${p.slug}</a></td>
          <td>${p.checks.join(', ')}</td>
          ${this.canEdit ? html`<td class="actions">
            <button @click=${() => { this.editingPage = this.editingPage === p.slug ? undefined : p.slug; }} aria-expanded=${this.editingPage === p.slug} aria-label=${`Edit status page ${p.slug}`}>Edit</button>
            <button @click=${() => this.deletePage(p)} aria-label=${`Delete status page ${p.slug}`}>Delete</button></td>` : ''}
        </tr>`)}</tbody></table></div>`, { empty: (l) => l.length === 0, emptyText: 'No status pages yet.', label: 'Loading status pages' })}
      ${this.canEdit && this.editingPage !== undefined ? this.renderPageForm(editing) : ''}
      ${this.message('pages')}
    </section>`;
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
        ${this.isAdmin ? this.renderUsers() : ''}
        ${this.isAdmin ? this.renderKeys() : ''}
        ${this.renderReceivers()}
        ${this.renderPages()}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-settings': PageSettings;
  }
}
