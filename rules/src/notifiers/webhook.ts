/** Webhook notifier: POSTs Alertmanager's webhook JSON (version 4), as any Alertmanager webhook receiver expects. */
import type { Notifier, NotificationMessage } from './notifier.js';
import { checkKeys, optionalString, postJson, requireUrl, sendResolvedOf, type FetchFn } from './http.js';
import { NotifierConfigError } from './notifier.js';

/** Validated webhook config. */
export interface WebhookConfig {
  url: string;
  sendResolved: boolean;
  /** Maximum alerts per message; 0 means all (the rest are counted in truncatedAlerts). */
  maxAlerts: number;
  bearerToken: string;
}

/** Validates `webhook_configs` entries. */
export function parseWebhookConfig(raw: Record<string, unknown>, where: string): WebhookConfig {
  checkKeys(raw, ['url', 'send_resolved', 'max_alerts', 'bearer_token'], where);
  const maxAlerts = raw['max_alerts'] ?? 0;
  if (typeof maxAlerts !== 'number' || !Number.isInteger(maxAlerts) || maxAlerts < 0) throw new NotifierConfigError(`${where}: max_alerts must be a non-negative integer`);
  return { url: requireUrl(raw, 'url', where), sendResolved: sendResolvedOf(raw, where, true), maxAlerts, bearerToken: optionalString(raw, 'bearer_token', where, '') };
}

/** Sends to a webhook. */
export class WebhookNotifier implements Notifier {
  readonly kind = 'webhook';
  readonly sendResolved: boolean;
  constructor(private readonly cfg: WebhookConfig, private readonly fetchFn: FetchFn) {
    this.sendResolved = cfg.sendResolved;
  }

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    let body = m;
    if (this.cfg.maxAlerts > 0 && m.alerts.length > this.cfg.maxAlerts) {
      body = { ...m, alerts: m.alerts.slice(0, this.cfg.maxAlerts), truncatedAlerts: m.alerts.length - this.cfg.maxAlerts };
    }
    const headers: Record<string, string> = this.cfg.bearerToken ? { authorization: `Bearer ${this.cfg.bearerToken}` } : {};
    await postJson(this.fetchFn, this.cfg.url, body, signal, headers);
  }
}
