/**
 * The application shell: navigation, routes, theme toggle, live-update clock and the connection banner.
 * It owns the one ApiClient and the one LiveStream and hands them to every page. Pages whose data the stream
 * carries (overview, checks, alerts, targets) update from its events and reload on `tick` only while the
 * stream is not live; the other pages reload when `tick` changes, every refresh interval.
 */
import { LitElement, html, css } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { Router } from '@lit-labs/router';
import { ApiClient, HttpError, type ConnectionState } from '../api-client.js';
import type { Session } from '../types.js';
import { LiveStream, type StreamState } from '../live-stream.js';
import { applyTheme, effectiveTheme, loadThemeChoice } from '../theme.js';
import { loadRefreshSeconds } from '../settings.js';
import { shared } from '../styles.js';
import '../pages/page-overview.js';
import '../pages/page-host.js';
import '../pages/page-containers.js';
import '../pages/page-checks.js';
import '../pages/page-alerts.js';
import '../pages/page-rules.js';
import '../pages/page-targets.js';
import '../pages/page-explore.js';
import '../pages/page-settings.js';
import '../pages/page-login.js';

const NAV: readonly [string, string][] = [
  ['/', 'Overview'], ['/containers', 'Containers'], ['/checks', 'Checks'], ['/alerts', 'Alerts'],
  ['/rules', 'Rules'], ['/targets', 'Targets'], ['/explore', 'Explore'], ['/settings', 'Settings'],
];

/** The app. */
@customElement('hl-app')
export class HlApp extends LitElement {
  static override styles = [shared, css`
    :host { display: block; min-height: 100vh; }
    .skip { position: absolute; left: -999px; }
    .skip:focus { left: 1rem; top: .5rem; z-index: 10; background: var(--hl-panel); padding: .4rem .6rem; }
    header.top { display: flex; align-items: center; gap: 1rem; padding: .5rem 1rem; background: var(--hl-panel); border-bottom: 1px solid var(--hl-border); position: sticky; top: 0; z-index: 5; }
    .brand { font-weight: 700; color: var(--hl-fg); text-decoration: none; display: flex; align-items: center; gap: .4rem; }
    .brand img { width: 22px; height: 22px; }
    nav { flex: 1; overflow-x: auto; }
    nav ul { display: flex; gap: .2rem; list-style: none; margin: 0; padding: 0; }
    nav a { display: block; padding: .35rem .6rem; border-radius: 6px; color: var(--hl-fg); text-decoration: none; white-space: nowrap; }
    nav a[aria-current="page"] { background: var(--hl-accent); color: #fff; }
    main { padding: 1rem; max-width: 1600px; margin: 0 auto; box-sizing: border-box; }
    .banner { padding: .5rem 1rem; text-align: center; font-weight: 600; }
    .banner.offline { background: var(--hl-bad); color: #fff; }
    .banner.online { background: var(--hl-ok); color: #fff; }
    .tools { display: flex; align-items: center; gap: .5rem; }
    .live { font-size: .8rem; white-space: nowrap; color: var(--hl-muted); }
    .live::before { content: '●'; margin-right: .25rem; }
    .live.live-on::before { color: var(--hl-ok); }
    .live.live-off::before { color: var(--hl-warn, #d97706); }
    @media (max-width: 700px) {
      header.top { flex-wrap: wrap; gap: .4rem; padding: .4rem .6rem; }
      nav { order: 3; flex-basis: 100%; }
      header.top > .tools { margin-left: auto; }
      main { padding: .6rem; }
    }
  `];

  private readonly api = new ApiClient();
  private readonly stream = new LiveStream();
  @state() private streamState: StreamState = 'stopped';
  @state() private tick = 0;
  @state() private connection: ConnectionState = 'online';
  @state() private reconnected = false;
  @state() private theme = effectiveTheme();
  /**
   * The logged-in user's role: 'viewer' until the session is known (no edit button flashes up for a viewer),
   * 'admin' when the server has no authentication (404 on /api/v1/session).
   */
  @state() private userRole: 'viewer' | 'editor' | 'admin' = 'viewer';
  /** The logged-in user's name; undefined for an anonymous visitor or an unknown session. */
  @state() private userName: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private reconnectedTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly router = new Router(this, [
    { path: '/', render: () => html`<page-overview .stream=${this.stream} .canEdit=${this.userRole !== 'viewer'} .api=${this.api} .tick=${this.tick}></page-overview>` },
    { path: '/hosts/:instance', render: ({ instance }) => html`<page-host .canEdit=${this.userRole !== 'viewer'} .api=${this.api} .tick=${this.tick} .instance=${decodeURIComponent(instance ?? '')}></page-host>` },
    { path: '/containers', render: () => html`<page-containers .api=${this.api} .tick=${this.tick}></page-containers>` },
    { path: '/checks', render: () => html`<page-checks .stream=${this.stream} .canEdit=${this.userRole !== 'viewer'} .api=${this.api} .tick=${this.tick}></page-checks>` },
    { path: '/alerts', render: () => html`<page-alerts .stream=${this.stream} .canEdit=${this.userRole !== 'viewer'} .api=${this.api} .tick=${this.tick}></page-alerts>` },
    { path: '/rules', render: () => html`<page-rules .api=${this.api} .tick=${this.tick}></page-rules>` },
    { path: '/targets', render: () => html`<page-targets .stream=${this.stream} .api=${this.api} .tick=${this.tick}></page-targets>` },
    { path: '/explore', render: () => html`<page-explore .api=${this.api}></page-explore>` },
    { path: '/settings', render: () => html`<page-settings .api=${this.api} .tick=${this.tick} .userRole=${this.userRole}></page-settings>` },
    { path: '/login', render: () => html`<page-login .api=${this.api}></page-login>` },
  ], { fallback: { render: () => html`<h1>Not found</h1><p>There is no page at <code>${location.pathname}</code>. <a href="/">Go to the overview</a>.</p>` } });

  private readonly onConnection = (e: Event) => {
    const next = (e as CustomEvent<ConnectionState>).detail;
    if (this.connection === 'offline' && next === 'online') {
      this.reconnected = true;
      clearTimeout(this.reconnectedTimer);
      this.reconnectedTimer = setTimeout(() => { this.reconnected = false; }, 5000);
    }
    this.connection = next;
  };
  private readonly onStreamState = (e: Event) => { this.streamState = (e as CustomEvent<StreamState>).detail; };
  private readonly onThemeChange = () => { this.theme = effectiveTheme(); };
  private readonly onNavigate = () => this.requestUpdate();

  override connectedCallback(): void {
    super.connectedCallback();
    applyTheme(loadThemeChoice());
    this.api.addEventListener('connection', this.onConnection);
    window.addEventListener('hl-theme-change', this.onThemeChange);
    window.addEventListener('popstate', this.onNavigate);
    this.stream.addEventListener('state', this.onStreamState);
    this.stream.start();
    this.startPolling();
    void this.loadSession();
  }

  private async loadSession(): Promise<void> {
    try {
      const session = await this.api.json<Session>('/api/v1/session');
      this.userRole = session.role ?? session.user?.role ?? 'viewer';
      this.userName = session.kind === 'session' || session.user ? session.user?.username : undefined;
    } catch (err) {
      if (err instanceof HttpError && err.status === 401 && location.pathname !== '/login') {
        location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
      }
      // 404: this server has no authentication yet, so everyone may edit.
      if (err instanceof HttpError && err.status === 404) this.userRole = 'admin';
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
    this.stream.removeEventListener('state', this.onStreamState);
    this.stream.stop();
    this.api.removeEventListener('connection', this.onConnection);
    window.removeEventListener('hl-theme-change', this.onThemeChange);
    window.removeEventListener('popstate', this.onNavigate);
  }

  /** Restarts the refresh clock, e.g. after the interval changed in Settings. */
  startPolling(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      // A hidden tab does not poll; it catches up when shown again.
      if (document.visibilityState === 'visible') this.tick++;
    }, loadRefreshSeconds() * 1000);
  }

  /** "live" while events stream in; otherwise the pages poll, and this says the stream is being retried. */
  private renderStreamState() {
    if (this.streamState === 'stopped') return '';
    const live = this.streamState === 'live';
    const text = live ? 'live' : this.streamState === 'connecting' ? 'connecting…' : 'reconnecting…';
    const title = live ? 'Live updates over the stream' : `Live updates unavailable; refreshing every ${loadRefreshSeconds()} s until the stream is back`;
    return html`<span class="live ${live ? 'live-on' : 'live-off'}" role="status" data-stream=${this.streamState} title=${title}>${text}</span>`;
  }

  /** Ends the session on the server, then shows the login page. */
  private async logout(): Promise<void> {
    try {
      await this.api.json('/api/v1/session', { method: 'DELETE' });
    } catch {
      // The server could not be reached or refused: the login page is still the right place to go.
    }
    location.assign('/login');
  }

  /** The fragment cannot reach into this shadow root, so the skip link moves the focus itself. */
  private skipToMain(e: Event): void {
    e.preventDefault();
    this.renderRoot.querySelector<HTMLElement>('#main')?.focus();
  }

  private toggleTheme(): void {
    applyTheme(this.theme === 'dark' ? 'light' : 'dark');
  }

  protected override render() {
    const path = location.pathname;
    const current = (href: string) => (href === '/' ? path === '/' || path.startsWith('/hosts/') : path.startsWith(href));
    return html`
      <a class="skip" href="#main" @click=${this.skipToMain}>Skip to content</a>
      ${this.connection === 'offline' ? html`<div class="banner offline" role="alert">Connection to the server lost — retrying every ${loadRefreshSeconds()} s…</div>` : ''}
      ${this.reconnected && this.connection === 'online' ? html`<div class="banner online" role="status">Reconnected.</div>` : ''}
      <header class="top">
        <a class="brand" href="/"><img src="/icon.svg" alt="" width="22" height="22">hlmon</a>
        <nav aria-label="Main"><ul>
          ${NAV.map(([href, label]) => html`<li><a href=${href} aria-current=${current(href) ? 'page' : 'false'}>${label}</a></li>`)}
        </ul></nav>
        <div class="tools">
          ${this.renderStreamState()}
          ${this.userName ? html`<button class="logout" @click=${this.logout} title=${`Logged in as ${this.userName}`}>Log out</button>` : ''}
          <button @click=${this.toggleTheme} aria-label=${`Switch to ${this.theme === 'dark' ? 'light' : 'dark'} theme`} title="Toggle theme">${this.theme === 'dark' ? '☀' : '☾'}</button>
        </div>
      </header>
      <main id="main" tabindex="-1" @hl-refresh-changed=${() => this.startPolling()}>${this.router.outlet()}</main>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hl-app': HlApp;
  }
}
