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

/** Samples alerts and records changes. */
export class AlertHistory {
  private last = new Map<string, AlertJson>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly sql: SqlFn,
    private readonly rules: RulesView | undefined,
    private readonly clock: Clock,
    private readonly onChange: (a: AlertJson) => void,
    private readonly onError: (err: unknown) => void,
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
    const now = this.clock.now();
    const current = new Map(currentAlerts(this.rules).map((a) => [a.fingerprint, a]));
    const changes: AlertJson[] = [];
    for (const [fp, a] of current) if (this.last.get(fp)?.state !== a.state) changes.push(a);
    for (const [fp, a] of this.last) if (!current.has(fp)) changes.push({ ...a, state: 'resolved', resolvedAtMs: now });
    this.last = current;
    for (const a of changes) {
      await this.sql(
        'INSERT INTO api_alert_history (fingerprint, labels, annotations, state, active_at_ms, resolved_at_ms, changed_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [a.fingerprint, JSON.stringify(a.labels), JSON.stringify(a.annotations), a.state, a.activeAtMs, a.resolvedAtMs, now],
      );
      this.onChange(a);
    }
  }

  /** Resolved alerts since a time, newest first. */
  async resolvedSince(sinceMs: number, limit = 500): Promise<AlertJson[]> {
    const { rows } = await this.sql(
      "SELECT fingerprint, labels, annotations, active_at_ms, resolved_at_ms FROM api_alert_history WHERE state = 'resolved' AND changed_at_ms >= $1 ORDER BY changed_at_ms DESC LIMIT $2",
      [sinceMs, limit],
    );
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, string>;
    return rows.map((r) => ({
      fingerprint: String(r['fingerprint']), labels: parse(r['labels']), annotations: parse(r['annotations']), state: 'resolved' as const,
      activeAtMs: Number(r['active_at_ms']), resolvedAtMs: Number(r['resolved_at_ms']),
    }));
  }

  /** Stops sampling. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
