/**
 * The login form: POST /api/v1/session { username, password } (see docs/webui.md). On a fresh install,
 * while GET /api/v1/setup says `needed`, the same page creates the admin instead (POST /api/v1/setup).
 */
import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { shared } from '../styles.js';

/** The login page, and the first-run setup. */
@customElement('page-login')
export class PageLogin extends LitElement {
  static override styles = [shared, css`form { max-width: 340px; margin: 3rem auto; display: grid; gap: .8rem; } input { width: 100%; box-sizing: border-box; }`];

  @property({ attribute: false }) api!: ApiClient;
  @state() private error = '';
  @state() private busy = false;
  /** True while no user exists: the form creates the admin. */
  @state() private setup = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.api.json<{ needed: boolean }>('/api/v1/setup').then((r) => { this.setup = r.needed; }, () => { this.setup = false; });
  }

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    this.busy = true;
    try {
      const body = JSON.stringify({ username: data.get('username'), password: data.get('password') });
      await this.api.json(this.setup ? '/api/v1/setup' : '/api/v1/session', { method: 'POST', body });
      location.assign(new URLSearchParams(location.search).get('next') ?? '/');
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    const title = this.setup ? 'Create the hlmon administrator' : 'Log in to hlmon';
    const action = this.setup ? (this.busy ? 'Creating…' : 'Create administrator') : (this.busy ? 'Logging in…' : 'Log in');
    return html`<form class="panel" @submit=${this.submit} aria-label=${title}>
      <h1>${title}</h1>
      ${this.setup ? html`<p>No user exists yet. The first account is the administrator; passwords need at least 10 characters.</p>` : ''}
      <label>User name <input name="username" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete=${this.setup ? 'new-password' : 'current-password'} minlength=${this.setup ? 10 : 1} required></label>
      ${this.error ? html`<p class="bad" role="alert">${this.error}</p>` : ''}
      <button class="primary" type="submit" ?disabled=${this.busy}>${action}</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-login': PageLogin;
  }
}
