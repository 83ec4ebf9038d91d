/** Forwards alerts to a real Alertmanager through its API v2 (POST /api/v2/alerts), as Prometheus does. */
import type { Notifier, NotificationMessage } from './notifier.js';
import { checkKeys, postJson, requireUrl, type FetchFn } from './http.js';

/** Validated Alertmanager forwarding config. */
export interface AlertmanagerConfig { url: string }

/** Validates `alertmanager_configs` entries. */
export function parseAlertmanagerConfig(raw: Record<string, unknown>, where: string): AlertmanagerConfig {
  checkKeys(raw, ['url', 'send_resolved'], where);
  return { url: requireUrl(raw, 'url', where) };
}

/** Posts alerts to Alertmanager, which does its own grouping; resolutions are always forwarded. */
export class AlertmanagerNotifier implements Notifier {
  readonly kind = 'alertmanager';
  readonly sendResolved = true;
  constructor(private readonly cfg: AlertmanagerConfig, private readonly fetchFn: FetchFn) {}

  async send(m: NotificationMessage, signal: AbortSignal): Promise<void> {
    const alerts = m.alerts.map((a) => ({
      labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, generatorURL: a.generatorURL,
      ...(a.status === 'resolved' ? { endsAt: a.endsAt } : {}),
    }));
    await postJson(this.fetchFn, `${this.cfg.url.replace(/\/$/, '')}/api/v2/alerts`, alerts, signal);
  }
}
