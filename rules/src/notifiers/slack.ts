/** Slack notifier: an incoming-webhook message with one attachment (Alertmanager's slack_configs shape). */
import type { Notifier, NotificationMessage } from './notifier.js';
import { checkKeys, optionalString, postJson, requireUrl, sendResolvedOf, type FetchFn } from './http.js';
import { defaultText, defaultTitle } from './render.js';

/** Validated Slack config. */
export interface SlackConfig { apiUrl: string; channel: string; username: string; sendResolved: boolean }

/** Validates `slack_configs` entries. */
export function parseSlackConfig(raw: Record<string, unknown>, where: string): SlackConfig {
  checkKeys(raw, ['api_url', 'channel', 'username', 'send_resolved'], where);
  return { apiUrl: requireUrl(raw, 'api_url', where), channel: optionalString(raw, 'channel', where, ''), username: optionalString(raw, 'username', where, 'hlmon'), sendResolved: sendResolvedOf(raw, where, false) };
}

/** Sends to a Slack incoming webhook. */
export class SlackNotifier implements Notifier {
  readonly kind = 'slack';
  readonly sendResolved: boolean;
  constructor(private readonly cfg: SlackConfig, private readonly fetchFn: FetchFn) { this.sendResolved = cfg.sendResolved; }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const title = defaultTitle(m);
    const body: Record<string, unknown> = {
      username: this.cfg.username,
      text: '',
      attachments: [{ color: m.status === 'firing' ? 'danger' : 'good', title, title_link: m.externalURL, text: defaultText(m), fallback: title, mrkdwn_in: ['fallback', 'pretext', 'text'] }],
    };
    if (this.cfg.channel) body['channel'] = this.cfg.channel;
    await postJson(this.fetchFn, this.cfg.apiUrl, body, signal);
  }
}
