/** ntfy notifier: JSON publishing to an ntfy server (POST to the server root with a `topic` field). */
import type { Notifier, NotificationMessage } from './notifier.js';
import { NotifierConfigError } from './notifier.js';
import { checkKeys, optionalString, postJson, requireString, requireUrl, sendResolvedOf, type FetchFn } from './http.js';
import { defaultText, defaultTitle } from './render.js';

/** Validated ntfy config. */
export interface NtfyConfig { url: string; topic: string; priority: number; token: string; sendResolved: boolean }

/** Validates `ntfy_configs` entries. */
export function parseNtfyConfig(raw: Record<string, unknown>, where: string): NtfyConfig {
  checkKeys(raw, ['url', 'topic', 'priority', 'token', 'send_resolved'], where);
  const priority = raw['priority'] ?? 4;
  if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 1 || priority > 5) throw new NotifierConfigError(`${where}: priority must be an integer from 1 to 5`);
  return { url: requireUrl(raw, 'url', where, 'https://ntfy.sh'), topic: requireString(raw, 'topic', where), priority, token: optionalString(raw, 'token', where, ''), sendResolved: sendResolvedOf(raw, where, true) };
}

/** Publishes to ntfy. */
export class NtfyNotifier implements Notifier {
  readonly kind = 'ntfy';
  readonly sendResolved: boolean;
  constructor(private readonly cfg: NtfyConfig, private readonly fetchFn: FetchFn) { this.sendResolved = cfg.sendResolved; }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const headers: Record<string, string> = this.cfg.token ? { authorization: `Bearer ${this.cfg.token}` } : {};
    await postJson(this.fetchFn, this.cfg.url, {
      topic: this.cfg.topic, title: defaultTitle(m), message: defaultText(m),
      priority: m.status === 'resolved' ? 3 : this.cfg.priority, tags: [m.status === 'firing' ? 'rotating_light' : 'white_check_mark'],
      ...(m.externalURL ? { click: m.externalURL } : {}),
    }, signal, headers);
  }
}
