/** Microsoft Teams notifier: an incoming-webhook MessageCard (Alertmanager's msteams_configs shape). */
import type { Notifier, NotificationMessage } from './notifier.js';
import { checkKeys, postJson, requireUrl, sendResolvedOf, type FetchFn } from './http.js';
import { defaultText, defaultTitle, statusColor } from './render.js';

/** Validated Teams config. */
export interface TeamsConfig { webhookUrl: string; sendResolved: boolean }

/** Validates `msteams_configs` entries. */
export function parseTeamsConfig(raw: Record<string, unknown>, where: string): TeamsConfig {
  checkKeys(raw, ['webhook_url', 'send_resolved'], where);
  return { webhookUrl: requireUrl(raw, 'webhook_url', where), sendResolved: sendResolvedOf(raw, where, true) };
}

/** Sends to a Teams incoming webhook. */
export class TeamsNotifier implements Notifier {
  readonly kind = 'msteams';
  readonly sendResolved: boolean;
  constructor(private readonly cfg: TeamsConfig, private readonly fetchFn: FetchFn) { this.sendResolved = cfg.sendResolved; }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const title = defaultTitle(m);
    await postJson(this.fetchFn, this.cfg.webhookUrl, {
      '@type': 'MessageCard', '@context': 'http://schema.org/extensions',
      themeColor: statusColor(m).toString(16).padStart(6, '0'), title, summary: title,
      text: defaultText(m).replace(/\n/g, '\n\n'),
    }, signal);
  }
}
