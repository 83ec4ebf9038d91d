/** Gotify notifier: POST /message with the application token in X-Gotify-Key. */
import type { Notifier, NotificationMessage } from './notifier.js';
import { NotifierConfigError } from './notifier.js';
import { checkKeys, postJson, requireString, requireUrl, sendResolvedOf, type FetchFn } from './http.js';
import { defaultText, defaultTitle } from './render.js';

/** Validated Gotify config. */
export interface GotifyConfig { url: string; token: string; priority: number; sendResolved: boolean }

/** Validates `gotify_configs` entries. */
export function parseGotifyConfig(raw: Record<string, unknown>, where: string): GotifyConfig {
  checkKeys(raw, ['url', 'token', 'priority', 'send_resolved'], where);
  const priority = raw['priority'] ?? 5;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 10) throw new NotifierConfigError(`${where}: priority must be an integer from 0 to 10`);
  return { url: requireUrl(raw, 'url', where), token: requireString(raw, 'token', where), priority, sendResolved: sendResolvedOf(raw, where, true) };
}

/** Sends to a Gotify server. */
export class GotifyNotifier implements Notifier {
  readonly kind = 'gotify';
  readonly sendResolved: boolean;
  constructor(private readonly cfg: GotifyConfig, private readonly fetchFn: FetchFn) { this.sendResolved = cfg.sendResolved; }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    await postJson(this.fetchFn, `${this.cfg.url.replace(/\/$/, '')}/message`, { title: defaultTitle(m), message: defaultText(m), priority: this.cfg.priority }, signal, { 'x-gotify-key': this.cfg.token });
  }
}
