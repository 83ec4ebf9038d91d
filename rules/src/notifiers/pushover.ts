/** Pushover notifier: the messages API with a form-encoded body (Alertmanager's pushover_configs shape). */
import type { Notifier, NotificationMessage } from './notifier.js';
import { checkKeys, requireString, requireUrl, send, sendResolvedOf, type FetchFn } from './http.js';
import { defaultText, defaultTitle } from './render.js';

/** Validated Pushover config. */
export interface PushoverConfig { apiUrl: string; userKey: string; token: string; sendResolved: boolean }

/** Validates `pushover_configs` entries. */
export function parsePushoverConfig(raw: Record<string, unknown>, where: string): PushoverConfig {
  checkKeys(raw, ['api_url', 'user_key', 'token', 'send_resolved'], where);
  return { apiUrl: requireUrl(raw, 'api_url', where, 'https://api.pushover.net/1/messages.json'), userKey: requireString(raw, 'user_key', where), token: requireString(raw, 'token', where), sendResolved: sendResolvedOf(raw, where, true) };
}

/** Sends through Pushover. Pushover limits titles to 250 and messages to 1024 characters. */
export class PushoverNotifier implements Notifier {
  readonly kind = 'pushover';
  readonly sendResolved: boolean;
  constructor(private readonly cfg: PushoverConfig, private readonly fetchFn: FetchFn) { this.sendResolved = cfg.sendResolved; }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const form = new URLSearchParams({
      token: this.cfg.token, user: this.cfg.userKey, title: defaultTitle(m).slice(0, 250), message: defaultText(m).slice(0, 1024),
      priority: m.status === 'firing' ? '1' : '0', ...(m.externalURL ? { url: m.externalURL } : {}),
    });
    await send(this.fetchFn, this.cfg.apiUrl, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() }, signal);
  }
}
