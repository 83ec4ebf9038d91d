/** Discord notifier: a webhook message with one embed (Alertmanager's discord_configs shape). */
import type { Notifier, NotificationMessage } from './notifier.js';
import { checkKeys, postJson, requireUrl, sendResolvedOf, type FetchFn } from './http.js';
import { defaultText, defaultTitle, statusColor } from './render.js';

/** Validated Discord config. */
export interface DiscordConfig { webhookUrl: string; sendResolved: boolean }

/** Validates `discord_configs` entries. */
export function parseDiscordConfig(raw: Record<string, unknown>, where: string): DiscordConfig {
  checkKeys(raw, ['webhook_url', 'send_resolved'], where);
  return { webhookUrl: requireUrl(raw, 'webhook_url', where), sendResolved: sendResolvedOf(raw, where, true) };
}

/** Sends to a Discord webhook. Discord limits embed titles to 256 and descriptions to 4096 characters. */
export class DiscordNotifier implements Notifier {
  readonly kind = 'discord';
  readonly sendResolved: boolean;
  constructor(private readonly cfg: DiscordConfig, private readonly fetchFn: FetchFn) { this.sendResolved = cfg.sendResolved; }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const embed = { title: defaultTitle(m).slice(0, 256), description: defaultText(m).slice(0, 4096), color: statusColor(m) };
    await postJson(this.fetchFn, this.cfg.webhookUrl, { embeds: [embed] }, signal);
  }
}
