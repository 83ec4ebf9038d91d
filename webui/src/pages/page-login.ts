/** The login form: POST /api/v1/session { username, password } (see docs/webui.md). */
import { LitElement, html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ApiClient } from '../api-client.js';
import { shared } from '../styles.js';

/** The login page. */
@customElement('page-login')
export class PageLogin extends LitElement {
  static override styles = [shared, css`form { max-width: 340px; margin: 3rem auto; display: grid; gap: .8rem; } input { width: 100%; box-sizing: border-box; }`];

  @property({ attribute: false }) api!: ApiClient;
  @state() private error = '';
  @state() private busy = false;

  private async submit(e: Event): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    this.busy = true;
    try {
      await this.api.json('/api/v1/session', { method: 'POST', body: JSON.stringify({ username: data.get('username'), password: data.get('password') }) });
      location.assign(new URLSearchParams(location.search).get('next') ?? '/');
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    return html`<form class="panel" @submit=${this.submit} aria-label="Log in">
      <h1>Log in to hlmon</h1>
      <label>User name <input name="username" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      ${this.error ? html`<p class="bad" role="alert">${this.error}</p>` : ''}
      <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? 'Logging in…' : 'Log in'}</button>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'page-login': PageLogin;
  }
}
