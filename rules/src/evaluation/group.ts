/**
 * A rule group: rules evaluated in order at one timestamp, recording-rule output and the ALERTS series
 * written through one appender, stale markers for series that disappeared, alerts handed to the sink, and
 * alert state persisted when it changed.
 */
import { STALE_NAN, type Appender, type Labels } from '@hlmon/model';
import type { RuleGroupSpec } from '../rulefmt.js';
import type { QueryFn } from './query-fn.js';
import { AlertingRule, type AlertTemplateContext, type OutgoingAlert } from './alerting-rule.js';
import { RecordingRule, type RuleOutput } from './recording-rule.js';
import type { RulesPersistence } from '../persistence/persistence.js';
import type { ActiveAlert } from './alert-state.js';

/** Dependencies of a rule group, injected by whoever wires the process. */
export interface RuleGroupDeps {
  /** Evaluates PromQL. */
  query: QueryFn;
  /** A fresh appender for each evaluation's output; without it nothing is written. */
  appender?: () => Appender;
  /** Receives alerts due for sending (Prometheus's notifier queue); must not block. */
  sink?: (alerts: OutgoingAlert[]) => void;
  /** Where alert state survives restarts. */
  persistence?: RulesPersistence;
  /** Labels added to outgoing alerts (never overriding the alert's own). */
  externalLabels?: Readonly<Record<string, string>>;
  /** The URL alerts link back to. */
  externalURL?: string;
  /** Runs `query` inside templates; defaults to `query`. */
  templateQuery?: QueryFn;
  /** Evaluation interval for groups without their own, ms (default 60 000). */
  defaultIntervalMs?: number;
  /** How often a firing alert is re-sent, ms (Prometheus's --rules.alert.resend-delay, default 60 000). */
  resendDelayMs?: number;
  /** Monotonic time for measuring durations, ms (default performance.now). */
  monotonicMs?: () => number;
}

/** The status of a group after its last evaluation. */
export interface GroupStatus {
  readonly name: string;
  readonly file: string;
  readonly intervalMs: number;
  readonly lastEvaluationMs: number;
  readonly evaluationDurationMs: number;
  /** The last failure to write the group's output, '' when the last write succeeded. */
  readonly lastWriteError: string;
}

/** One rule of a group. */
export type Rule = AlertingRule | RecordingRule;

/** Evaluates one rule group. Evaluations of one group must not overlap; the manager guarantees that. */
export class RuleGroup {
  readonly key: string;
  readonly rules: readonly Rule[];
  readonly intervalMs: number;
  private lastEvaluationMs = 0;
  private evaluationDurationMs = 0;
  private lastWriteError = '';
  /** Series keys each rule wrote last time, for stale markers. */
  private lastSeries: Map<string, Labels>[];
  private savedDigest: string[];

  constructor(readonly spec: RuleGroupSpec, private readonly deps: RuleGroupDeps) {
    this.key = `${spec.file};${spec.name}`;
    this.intervalMs = spec.intervalMs ?? deps.defaultIntervalMs ?? 60_000;
    this.rules = spec.rules.map((r) => (r.kind === 'alert' ? new AlertingRule(r, spec.labels) : new RecordingRule(r, spec.labels)));
    this.lastSeries = this.rules.map(() => new Map());
    this.savedDigest = this.rules.map(() => '');
  }

  /** The persistence key of rule `i`. */
  ruleKey(i: number): string {
    return `${i}:${this.rules[i]!.name}`;
  }

  /** Restores persisted alert state into the alerting rules. */
  restore(states: ReadonlyMap<string, readonly ActiveAlert[]>): void {
    this.rules.forEach((r, i) => {
      const alerts = states.get(this.ruleKey(i));
      if (r instanceof AlertingRule && alerts) {
        r.restore(alerts);
        this.savedDigest[i] = digest(r.alerts());
      }
    });
  }

  /** Evaluates every rule at `tsMs` in order. Rule failures are recorded on the rule; this never throws. */
  async evaluate(tsMs: number): Promise<void> {
    const mono = this.deps.monotonicMs ?? (() => performance.now());
    const start = mono();
    const app = this.deps.appender?.();
    const ctx: AlertTemplateContext = {
      externalLabels: this.deps.externalLabels ?? {},
      externalURL: this.deps.externalURL ?? '',
      templateQuery: async (expr, atMs) => {
        const v = await (this.deps.templateQuery ?? this.deps.query)(expr, atMs);
        return v.map((s) => ({ Labels: s.labels.toObject(), Value: s.v }));
      },
    };
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      const ruleStart = mono();
      let out: RuleOutput[] = [];
      let error: unknown;
      try {
        out = rule instanceof AlertingRule
          ? await rule.eval(tsMs, this.deps.query, this.spec.queryOffsetMs, this.spec.limit, ctx)
          : await rule.eval(tsMs, this.deps.query, this.spec.queryOffsetMs, this.spec.limit);
      } catch (err) {
        error = err ?? new Error('unknown error');
      }
      rule.setOutcome(tsMs, mono() - ruleStart, error);
      // Queries over in-memory data resolve as microtasks, so a round of a thousand rules would otherwise hold
      // the event loop for its whole duration: scrapes, HTTP requests and notification timers wait for it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (rule instanceof AlertingRule) {
        // Alerts are handed over right after their rule, as Prometheus does, not at the end of the group:
        // in a large group that saves the rest of the round's time from condition to notification.
        this.send(rule.alertsToSend(tsMs, this.deps.resendDelayMs ?? 60_000, this.intervalMs, this.generatorURL(rule)));
      }
      if (app) {
        // A failed rule writes nothing this round; its previous series go stale, as in Prometheus.
        const now = new Map<string, Labels>();
        for (const s of out) { app.append(s.labels, tsMs, s.v); now.set(s.labels.key, s.labels); }
        for (const [k, l] of this.lastSeries[i]!) if (!now.has(k)) app.append(l, tsMs, STALE_NAN);
        this.lastSeries[i] = now;
      }
    }
    if (app) {
      try {
        await app.commit();
        this.lastWriteError = '';
      } catch (err) {
        this.lastWriteError = String((err as Error).message ?? err);
      }
    }
    await this.persist();
    this.lastEvaluationMs = tsMs;
    this.evaluationDurationMs = mono() - start;
  }

  private send(alerts: OutgoingAlert[]): void {
    if (alerts.length === 0 || !this.deps.sink) return;
    try {
      this.deps.sink(alerts.map((a) => this.withExternalLabels(a)));
    } catch (err) {
      this.lastWriteError = `sending alerts: ${String((err as Error).message ?? err)}`;
    }
  }

  private async persist(): Promise<void> {
    const p = this.deps.persistence;
    if (!p) return;
    for (let i = 0; i < this.rules.length; i++) {
      const r = this.rules[i]!;
      if (!(r instanceof AlertingRule)) continue;
      const d = digest(r.alerts());
      if (d === this.savedDigest[i]) continue;
      try {
        await p.saveAlertState({ groupKey: this.key, ruleKey: this.ruleKey(i), alerts: r.alerts() });
        this.savedDigest[i] = d;
      } catch (err) {
        this.lastWriteError = `saving alert state: ${String((err as Error).message ?? err)}`;
      }
    }
  }

  private withExternalLabels(a: OutgoingAlert): OutgoingAlert {
    const ext = this.deps.externalLabels;
    if (!ext || Object.keys(ext).length === 0) return a;
    const b = a.labels.builder();
    for (const [k, v] of Object.entries(ext)) if (b.get(k) === '') b.set(k, v);
    return { ...a, labels: b.labels() };
  }

  private generatorURL(rule: AlertingRule): string {
    const base = (this.deps.externalURL ?? '').replace(/\/$/, '');
    return `${base}/graph?g0.expr=${encodeURIComponent(rule.spec.expr)}&g0.tab=1`;
  }

  /** Timing of the last evaluation. */
  status(): GroupStatus {
    return {
      name: this.spec.name, file: this.spec.file, intervalMs: this.intervalMs,
      lastEvaluationMs: this.lastEvaluationMs, evaluationDurationMs: this.evaluationDurationMs, lastWriteError: this.lastWriteError,
    };
  }
}

function digest(alerts: readonly ActiveAlert[]): string {
  return alerts.map((a) => `${a.labels.key}|${a.state}|${a.activeAtMs}|${a.firedAtMs}|${a.resolvedAtMs}|${a.lastSentAtMs}|${a.keepFiringSinceMs}`).join('\n');
}
