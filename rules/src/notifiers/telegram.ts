/** Telegram notifier: the Bot API's sendMessage (Alertmanager's telegram_configs shape). */
import type { Notifier, NotificationMessage } from './notifier.js';
import { NotifierConfigError, NotifyError } from './notifier.js';
import { checkKeys, postJson, requireString, requireUrl, sendResolvedOf, type FetchFn } from './http.js';
import { defaultText, defaultTitle } from './render.js';

/** Validated Telegram config. */
export interface TelegramConfig { apiUrl: string; botToken: string; chatId: number; sendResolved: boolean; disableNotifications: boolean }

/** Validates `telegram_configs` entries. */
export function parseTelegramConfig(raw: Record<string, unknown>, where: string): TelegramConfig {
  checkKeys(raw, ['api_url', 'bot_token', 'chat_id', 'send_resolved', 'disable_notifications'], where);
  const chatId = raw['chat_id'];
  if (typeof chatId !== 'number' || !Number.isInteger(chatId)) throw new NotifierConfigError(`${where}: chat_id must be an integer`);
  return {
    apiUrl: requireUrl(raw, 'api_url', where, 'https://api.telegram.org'), botToken: requireString(raw, 'bot_token', where), chatId,
    sendResolved: sendResolvedOf(raw, where, true), disableNotifications: raw['disable_notifications'] === true,
  };
}

/** Sends through a Telegram bot. */
export class TelegramNotifier implements Notifier {
  readonly kind = 'telegram';
  readonly sendResolved: boolean;
  constructor(private readonly cfg: TelegramConfig, private readonly fetchFn: FetchFn) { this.sendResolved = cfg.sendResolved; }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const url = `${this.cfg.apiUrl.replace(/\/$/, '')}/bot${this.cfg.botToken}/sendMessage`;
    const text = `${defaultTitle(m)}\n\n${defaultText(m)}`.slice(0, 4096);
    const res = await postJson(this.fetchFn, url, { chat_id: this.cfg.chatId, text, disable_notification: this.cfg.disableNotifications }, signal);
    // The Bot API can answer 200 with ok:false; that is a failure a retry will not fix.
    let ok = true;
    try { ok = (JSON.parse(res) as { ok?: boolean }).ok !== false; } catch { /* a non-JSON 2xx is treated as delivered */ }
    if (!ok) throw new NotifyError(`telegram rejected the message: ${res.slice(0, 200)}`, false);
  }
}
