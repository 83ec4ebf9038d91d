/**
 * RulesPersistence over plain SQL through an injected executor (`{ query(sql, params) }`, which a pg Pool and
 * PGlite both provide), so this package never imports a database driver. Run RULES_MIGRATIONS first.
 */
import { Labels } from '@hlmon/model';
import type { RuleAlertState, RulesPersistence } from './persistence.js';
import type { Silence } from '../alerting/silences.js';
import type { NotificationLogEntry } from '../alerting/notification-log.js';
import type { DeliveryOutcome } from '../notifiers/notifier.js';
import type { ActiveAlert, AlertState } from '../evaluation/alert-state.js';
import { RULES_MIGRATIONS } from './migrations.js';

/** The minimal SQL executor: positional `$1` parameters, rows as objects. */
export interface SqlExecutor {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** Raised when a persistence statement fails; keeps the driver error as cause. */
export class PersistenceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PersistenceError';
  }
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

/** Runs the rules migrations (idempotent). */
export async function migrateRules(db: SqlExecutor): Promise<void> {
  for (const m of RULES_MIGRATIONS) {
    for (const stmt of m.sql.split(';').map((s) => s.trim()).filter(Boolean)) await db.query(stmt);
  }
}

/** RulesPersistence on PostgreSQL or PGlite. */
export class SqlPersistence implements RulesPersistence {
  constructor(private readonly db: SqlExecutor) {}

  private async run(what: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    try {
      return (await this.db.query(sql, params)).rows;
    } catch (cause) {
      throw new PersistenceError(`${what}: ${(cause as Error).message}`, { cause });
    }
  }

  async loadAlertStates(): Promise<RuleAlertState[]> {
    const rows = await this.run('loading alert state', 'SELECT * FROM rules_alert_state ORDER BY group_key, rule_key, alert_key');
    const byRule = new Map<string, { groupKey: string; ruleKey: string; alerts: ActiveAlert[] }>();
    for (const r of rows) {
      const k = `${r['group_key']}\u0000${r['rule_key']}`;
      let s = byRule.get(k);
      if (!s) byRule.set(k, (s = { groupKey: String(r['group_key']), ruleKey: String(r['rule_key']), alerts: [] }));
      s.alerts.push({
        labels: Labels.from(json<Record<string, string>>(r['labels'])), annotations: json<Record<string, string>>(r['annotations']),
        state: r['state'] as AlertState, value: r['value'] === null ? NaN : Number(r['value']),
        activeAtMs: num(r['active_at_ms']), firedAtMs: num(r['fired_at_ms']), resolvedAtMs: num(r['resolved_at_ms']),
        lastSentAtMs: num(r['last_sent_at_ms']), validUntilMs: num(r['valid_until_ms']), keepFiringSinceMs: num(r['keep_firing_since_ms']),
      });
    }
    return [...byRule.values()];
  }

  async saveAlertState(state: RuleAlertState): Promise<void> {
    const alerts = state.alerts;
    const params: unknown[] = [state.groupKey, state.ruleKey];
    const values: string[] = [];
    for (const a of alerts) {
      const b = params.length;
      params.push(a.labels.key, JSON.stringify(a.labels.toObject()), JSON.stringify(a.annotations), a.state, Number.isFinite(a.value) ? a.value : null,
        a.activeAtMs, a.firedAtMs, a.resolvedAtMs, a.lastSentAtMs, a.validUntilMs, a.keepFiringSinceMs);
      values.push(`($1, $2, ${Array.from({ length: 11 }, (_, i) => `$${b + i + 1}`).join(', ')})`);
    }
    if (values.length === 0) {
      await this.run('saving alert state', 'DELETE FROM rules_alert_state WHERE group_key = $1 AND rule_key = $2', [state.groupKey, state.ruleKey]);
      return;
    }
    // Rows of alerts that disappeared go first; the upsert then writes the rest. Each statement is atomic,
    // and a crash between them loses only alerts that were gone anyway.
    await this.run('saving alert state', 'DELETE FROM rules_alert_state WHERE group_key = $1 AND rule_key = $2 AND NOT (alert_key = ANY($3::text[]))', [state.groupKey, state.ruleKey, alerts.map((a) => a.labels.key)]);
    const sql = `INSERT INTO rules_alert_state (group_key, rule_key, alert_key, labels, annotations, state, value, active_at_ms, fired_at_ms, resolved_at_ms, last_sent_at_ms, valid_until_ms, keep_firing_since_ms)
         VALUES ${values.join(', ')}
         ON CONFLICT (group_key, rule_key, alert_key) DO UPDATE SET labels = EXCLUDED.labels, annotations = EXCLUDED.annotations, state = EXCLUDED.state,
           value = EXCLUDED.value, active_at_ms = EXCLUDED.active_at_ms, fired_at_ms = EXCLUDED.fired_at_ms, resolved_at_ms = EXCLUDED.resolved_at_ms,
           last_sent_at_ms = EXCLUDED.last_sent_at_ms, valid_until_ms = EXCLUDED.valid_until_ms, keep_firing_since_ms = EXCLUDED.keep_firing_since_ms`;
    await this.run('saving alert state', sql, params);
  }

  async loadSilences(): Promise<Silence[]> {
    const rows = await this.run('loading silences', 'SELECT * FROM alerting_silences');
    return rows.map((r) => ({
      id: String(r['id']), matchers: json(r['matchers']), startsAtMs: num(r['starts_at_ms']), endsAtMs: num(r['ends_at_ms']),
      createdBy: String(r['created_by']), comment: String(r['comment']), updatedAtMs: num(r['updated_at_ms']),
    }));
  }

  async saveSilence(s: Silence): Promise<void> {
    await this.run('saving silence', `INSERT INTO alerting_silences (id, matchers, starts_at_ms, ends_at_ms, created_by, comment, updated_at_ms)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (id) DO UPDATE SET matchers = EXCLUDED.matchers, starts_at_ms = EXCLUDED.starts_at_ms, ends_at_ms = EXCLUDED.ends_at_ms,
        created_by = EXCLUDED.created_by, comment = EXCLUDED.comment, updated_at_ms = EXCLUDED.updated_at_ms`,
    [s.id, JSON.stringify(s.matchers), s.startsAtMs, s.endsAtMs, s.createdBy, s.comment, s.updatedAtMs]);
  }

  async loadNotificationLog(): Promise<NotificationLogEntry[]> {
    const rows = await this.run('loading notification log', 'SELECT * FROM alerting_notification_log');
    return rows.map((r) => ({
      receiver: String(r['receiver']), groupKey: String(r['group_key']), firing: json(r['firing']), resolved: json(r['resolved']),
      timestampMs: num(r['timestamp_ms']), expiresAtMs: num(r['expires_at_ms']),
    }));
  }

  async saveNotificationLogEntry(e: NotificationLogEntry): Promise<void> {
    await this.run('saving notification log', `INSERT INTO alerting_notification_log (receiver, group_key, firing, resolved, timestamp_ms, expires_at_ms)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (receiver, group_key) DO UPDATE SET firing = EXCLUDED.firing, resolved = EXCLUDED.resolved, timestamp_ms = EXCLUDED.timestamp_ms, expires_at_ms = EXCLUDED.expires_at_ms`,
    [e.receiver, e.groupKey, JSON.stringify(e.firing), JSON.stringify(e.resolved), e.timestampMs, e.expiresAtMs]);
  }

  async recordDelivery(o: DeliveryOutcome): Promise<void> {
    await this.run('recording delivery', `INSERT INTO alerting_deliveries (receiver, integration, group_key, ok, attempts, error, at_ms, duration_ms, alerts)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [o.receiver, o.integration, o.groupKey, o.ok, o.attempts, o.error, o.atMs, o.durationMs, o.alerts]);
  }

  async recentDeliveries(limit: number): Promise<DeliveryOutcome[]> {
    const rows = await this.run('reading deliveries', 'SELECT * FROM alerting_deliveries ORDER BY id DESC LIMIT $1', [limit]);
    return rows.map((r) => ({
      receiver: String(r['receiver']), integration: String(r['integration']), groupKey: String(r['group_key']), ok: Boolean(r['ok']),
      attempts: num(r['attempts']), error: String(r['error']), atMs: num(r['at_ms']), durationMs: num(r['duration_ms']), alerts: num(r['alerts']),
    }));
  }
}
