/**
 * The notification log (Alertmanager's nflog): what each receiver integration was last told about each
 * alert group, so a group is not re-notified before its repeat interval, not even across a restart.
 */
import type { RulesPersistence } from '../persistence/persistence.js';

/** One entry: the last successful notification of `groupKey` to `receiver`. */
export interface NotificationLogEntry {
  /** Receiver name and integration, e.g. `ops/webhook/0`. */
  readonly receiver: string;
  readonly groupKey: string;
  /** Fingerprints of alerts that were firing in that notification. */
  readonly firing: readonly string[];
  /** Fingerprints of alerts that were resolved in that notification. */
  readonly resolved: readonly string[];
  readonly timestampMs: number;
  readonly expiresAtMs: number;
}

/** How long entries are kept (Alertmanager's default data retention, 120h). */
export const NFLOG_RETENTION_MS = 120 * 3600_000;

/** The log, loaded from and written through to persistence. */
export class NotificationLog {
  private readonly entries = new Map<string, NotificationLogEntry>();

  constructor(private readonly persistence?: RulesPersistence) {}

  /** Loads persisted entries. */
  async load(): Promise<void> {
    if (!this.persistence) return;
    for (const e of await this.persistence.loadNotificationLog()) this.entries.set(`${e.receiver}\u0000${e.groupKey}`, e);
  }

  /** The last entry for (receiver, groupKey), if not expired. */
  get(receiver: string, groupKey: string, nowMs: number): NotificationLogEntry | undefined {
    const e = this.entries.get(`${receiver}\u0000${groupKey}`);
    return e && e.expiresAtMs > nowMs ? e : undefined;
  }

  /** Records a successful notification. */
  async log(receiver: string, groupKey: string, firing: readonly string[], resolved: readonly string[], nowMs: number): Promise<void> {
    const e: NotificationLogEntry = { receiver, groupKey, firing: [...firing], resolved: [...resolved], timestampMs: nowMs, expiresAtMs: nowMs + NFLOG_RETENTION_MS };
    this.entries.set(`${receiver}\u0000${groupKey}`, e);
    await this.persistence?.saveNotificationLogEntry(e);
  }
}

/**
 * Alertmanager's DedupStage.needsUpdate: notify on new firing alerts, when all alerts resolved, on new
 * resolutions (if the integration sends them), or when the repeat interval has passed.
 */
export function needsUpdate(entry: NotificationLogEntry | undefined, firing: ReadonlySet<string>, resolved: ReadonlySet<string>, sendResolved: boolean, repeatMs: number, nowMs: number): boolean {
  if (!entry) return firing.size > 0;
  const prevFiring = new Set(entry.firing);
  for (const f of firing) if (!prevFiring.has(f)) return true;
  if (firing.size === 0) return entry.firing.length > 0;
  if (sendResolved) {
    const prevResolved = new Set(entry.resolved);
    for (const r of resolved) if (!prevResolved.has(r)) return true;
  }
  return entry.timestampMs < nowMs - repeatMs;
}
