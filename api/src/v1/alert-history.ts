/**
 * Alert history: the rule manager holds only current alerts, so the API samples them (every second by
 * default), records each state change in `api_alert_history` and tells listeners (the WebSocket stream).
 */
import { fingerprint } from '@hlmon/rules';
import type { Clock } from '@hlmon/model';
import type { SqlFn } from '../auth/auth-store.js';
import type { RuleAlertView, RulesView } from './sources.js';

/** An alert as the API shows it. */
export interface AlertJson {
  readonly fingerprint: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly state: 'pending' | 'firing' | 'resolved';
  readonly activeAtMs: number;
  readonly resolvedAtMs: number | null;
}

/** The current pending and firing alerts of all rules. */
export function currentAlerts(rules: RulesView | undefined): AlertJson[] {
  const out: AlertJson[] = [];
  for (const g of rules?.groups() ?? []) {
    for (const r of g.rules) {
      for (const a of (r.alerts?.() ?? []) as readonly RuleAlertView[]) {
        if (a.state !== 'pending' && a.state !== 'firing') continue;
        out.push({ fingerprint: fingerprint(a.labels), labels: a.labels.toObject(), annotations: { ...a.annotations }, state: a.state, activeAtMs: a.activeAtMs, resolvedAtMs: null });
      }
    }
  }
  return out;
}

/** How long a read of the recent resolved alerts is reused; the alerts themselves are sampled every second. */
const RESOLVED_CACHE_MS = 1000;
/**
 * The span of resolved history kept for reuse: the alerts route's default window, plus a minute so a
 * caller's "24 hours before my now" still falls inside a snapshot taken a moment earlier.
 */
const RESOLVED_WINDOW_MS = 86_400_000 + 60_000;
/** The most resolved alerts one answer lists. */
const RESOLVED_LIMIT = 500;
/** How long history rows are kept by default: a year and a bit, like the daily uptime counts of checks. */
export const ALERT_HISTORY_RETENTION_MS = 370 * 86_400_000;
/** How often old history rows are pruned. */
const PRUNE_EVERY_MS = 3_600_000;

interface ResolvedSnapshot {
  /** The rows cover changes at or after this time (the newest RESOLVED_LIMIT of them). */
  readonly fromMs: number;
  readonly untilMs: number;
  readonly rows: readonly { readonly alert: AlertJson; readonly changedAtMs: number }[];
}

/**
 * Samples alerts and records changes. The last recorded state of each alert comes from the table when the
 * sampler starts, so a restarted server that finds the same alerts firing again (the rule manager restores
 * them) records nothing new, and one that ended while the server was down is recorded as resolved once.
 */
export class AlertHistory {
  /** Fingerprint → the state last recorded; undefined until read from the table. */
  private last: Map<string, AlertJson> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private snapshot: ResolvedSnapshot | undefined;
  private loading: { readonly generation: number; readonly promise: Promise<ResolvedSnapshot> } | undefined;
  /** Bumped on every write, so a read that started before it is not kept. */
  private generation = 0;
  private lastPruneMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sql: SqlFn,
    private readonly rules: RulesView | undefined,
    private readonly clock: Clock,
    private readonly onChange: (a: AlertJson) => void,
    private readonly onError: (err: unknown) => void,
    private readonly retentionMs = ALERT_HISTORY_RETENTION_MS,
  ) {}

  /** Starts sampling every `intervalMs`. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => { void this.poll(); }, intervalMs);
    this.timer.unref();
  }

  /** Compares the current alerts with the last sample and records the differences. Not reentrant: overlapping calls share one run. */
  poll(): Promise<void> {
    this.running ??= this.doPoll().catch(this.onError).finally(() => { this.running = undefined; });
    return this.running;
  }

  private async doPoll(): Promise<void> {
    // Without a rule manager in this process nothing is sampled (and another process may be writing).
    if (!this.rules) return;
    this.last ??= await this.lastRecorded();
    const now = this.clock.now();
    if (now - this.lastPruneMs >= PRUNE_EVERY_MS) {
      this.lastPruneMs = now;
      await this.prune(now);
    }
    const current = new Map(currentAlerts(this.rules).map((a) => [a.fingerprint, a]));
    const changes: AlertJson[] = [];
    for (const [fp, a] of current) if (this.last.get(fp)?.state !== a.state) changes.push(a);
    for (const [fp, a] of this.last) if (!current.has(fp)) changes.push({ ...a, state: 'resolved', resolvedAtMs: now });
    if (changes.length === 0) return;
    for (const a of changes) {
      await this.sql(
        'INSERT INTO api_alert_history (fingerprint, labels, annotations, state, active_at_ms, resolved_at_ms, changed_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [a.fingerprint, JSON.stringify(a.labels), JSON.stringify(a.annotations), a.state, a.activeAtMs, a.resolvedAtMs, now],
      );
      // Advanced per row: a failed insert leaves the rest to be retried by the next poll.
      if (a.state === 'resolved') this.last.delete(a.fingerprint);
      else this.last.set(a.fingerprint, a);
      this.generation++;
      this.snapshot = undefined;
      this.onChange(a);
    }
  }

  /**
   * Drops rows that changed before the retention window, except the newest row of an alert that is
   * still pending or firing: that row is what a restart reads to know the alert was already recorded.
   */
  async prune(now = this.clock.now()): Promise<number> {
    const { rows } = await this.sql(
      `DELETE FROM api_alert_history h WHERE h.changed_at_ms < $1
         AND (h.state = 'resolved' OR EXISTS (SELECT 1 FROM api_alert_history n WHERE n.fingerprint = h.fingerprint AND n.id > h.id))
       RETURNING h.id`,
      [now - this.retentionMs],
    );
    if (rows.length > 0) this.snapshot = undefined;
    return rows.length;
  }

  /** The pending and firing alerts as last recorded (the newest row of each fingerprint that is not resolved). */
  private async lastRecorded(): Promise<Map<string, AlertJson>> {
    const { rows } = await this.sql(
      `SELECT fingerprint, labels, annotations, state, active_at_ms FROM (
         SELECT DISTINCT ON (fingerprint) fingerprint, labels, annotations, state, active_at_ms
         FROM api_alert_history ORDER BY fingerprint, id DESC
       ) newest WHERE state <> 'resolved'`,
    );
    return new Map(rows.map((r) => [String(r['fingerprint']), {
      fingerprint: String(r['fingerprint']), labels: parseJson(r['labels']), annotations: parseJson(r['annotations']),
      state: r['state'] === 'pending' ? 'pending' as const : 'firing' as const, activeAtMs: Number(r['active_at_ms']), resolvedAtMs: null,
    }]));
  }

  /**
   * Resolved alerts since a time, newest first. The alerts route asks this on every call, from every
   * dashboard; the last day's answer is read once a second at most and shared (a change recorded by this
   * process is visible at once), and only an older `since` goes to the table.
   */
  async resolvedSince(sinceMs: number, limit = RESOLVED_LIMIT): Promise<AlertJson[]> {
    const now = this.clock.now();
    if (limit <= RESOLVED_LIMIT && sinceMs >= now - RESOLVED_WINDOW_MS) {
      let snap = this.snapshot;
      if (!snap || snap.untilMs <= now || sinceMs < snap.fromMs) snap = await this.loadSnapshot(now);
      if (sinceMs >= snap.fromMs) {
        const out: AlertJson[] = [];
        for (const r of snap.rows) {
          if (r.changedAtMs < sinceMs || out.length >= limit) break;
          out.push(r.alert);
        }
        return out;
      }
    }
    return (await this.readResolved(sinceMs, limit)).map((r) => r.alert);
  }

  /** One read of the last day shared by concurrent callers. */
  private loadSnapshot(now: number): Promise<ResolvedSnapshot> {
    // A read that started before the latest write would miss it: such a caller starts a new one.
    if (this.loading?.generation === this.generation) return this.loading.promise;
    const generation = this.generation;
    const fromMs = now - RESOLVED_WINDOW_MS;
    const promise = this.readResolved(fromMs, RESOLVED_LIMIT).then((rows) => {
      const snap: ResolvedSnapshot = { fromMs, untilMs: now + RESOLVED_CACHE_MS, rows };
      if (generation === this.generation) this.snapshot = snap;
      return snap;
    }).finally(() => { if (this.loading?.promise === promise) this.loading = undefined; });
    this.loading = { generation, promise };
    return promise;
  }

  private async readResolved(sinceMs: number, limit: number): Promise<{ alert: AlertJson; changedAtMs: number }[]> {
    const { rows } = await this.sql(
      "SELECT fingerprint, labels, annotations, active_at_ms, resolved_at_ms, changed_at_ms FROM api_alert_history WHERE state = 'resolved' AND changed_at_ms >= $1 ORDER BY changed_at_ms DESC, id DESC LIMIT $2",
      [sinceMs, limit],
    );
    return rows.map((r) => ({
      alert: {
        fingerprint: String(r['fingerprint']), labels: parseJson(r['labels']), annotations: parseJson(r['annotations']), state: 'resolved' as const,
        activeAtMs: Number(r['active_at_ms']), resolvedAtMs: Number(r['resolved_at_ms']),
      },
      changedAtMs: Number(r['changed_at_ms']),
    }));
  }

  /** Stops sampling. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

function parseJson(v: unknown): Record<string, string> {
  return (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, string>;
}
