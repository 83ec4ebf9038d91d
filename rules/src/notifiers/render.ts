/** Default texts for chat notifiers, shaped like Alertmanager's default templates. */
import type { NotificationMessage } from './notifier.js';

/** Alertmanager's `__subject`: `[FIRING:2] GroupLabelValues (other common label values)`. */
export function defaultTitle(m: NotificationMessage): string {
  const firing = m.alerts.filter((a) => a.status === 'firing').length;
  let s = `[${m.status.toUpperCase()}${m.status === 'firing' ? `:${firing}` : ''}] ${Object.keys(m.groupLabels).sort().map((k) => m.groupLabels[k]).join(' ')}`;
  const extra = Object.keys(m.commonLabels).filter((k) => !(k in m.groupLabels)).sort();
  if (extra.length > 0) s += ` (${extra.map((k) => m.commonLabels[k]).join(' ')})`;
  return s;
}

/** A plain-text body listing each alert with its summary or description and labels. */
export function defaultText(m: NotificationMessage): string {
  const lines: string[] = [];
  for (const status of ['firing', 'resolved'] as const) {
    const alerts = m.alerts.filter((a) => a.status === status);
    if (alerts.length === 0) continue;
    lines.push(`${status === 'firing' ? 'Firing' : 'Resolved'}: ${alerts.length}`);
    for (const a of alerts) {
      const what = a.annotations['summary'] ?? a.annotations['description'] ?? a.labels['alertname'] ?? '';
      const labels = Object.keys(a.labels).sort().map((k) => `${k}=${a.labels[k]}`).join(', ');
      lines.push(`- ${what} (${labels})`);
    }
  }
  if (m.truncatedAlerts > 0) lines.push(`(${m.truncatedAlerts} more alerts not shown)`);
  return lines.join('\n');
}

/** Red for firing, green for resolved: the colour most chat services use for alert cards. */
export function statusColor(m: NotificationMessage): number {
  return m.status === 'firing' ? 0xe01e5a : 0x2eb67d;
}
