/**
 * An alerting rule: evaluates its expression, applies templated labels and annotations, and advances each
 * alert through the state machine in alert-state.ts. Produces the ALERTS and ALERTS_FOR_STATE series and
 * the alerts to send.
 */
import { Labels, METRIC_NAME } from '@hlmon/model';
import type { RuleSpec } from '../rulefmt.js';
import type { QueryFn } from './query-fn.js';
import type { RuleHealth, RuleStatus } from './health.js';
import type { RuleOutput } from './recording-rule.js';
import { advanceAlerts, needsSending, type ActiveAlert, type AlertCandidate } from './alert-state.js';
import { expandAlertTemplate } from '../template/expander.js';
import type { TemplateQueryFn } from '../template/funcs.js';
import type { ParsedTemplate } from '../template/parse.js';

/** The label holding the alert's name. */
export const ALERT_NAME_LABEL = 'alertname';
/** The label holding the alert's state in ALERTS. */
export const ALERT_STATE_LABEL = 'alertstate';

/** Context an alerting rule needs to render templates. */
export interface AlertTemplateContext {
  externalLabels: Readonly<Record<string, string>>;
  externalURL: string;
  /** `query` inside templates, evaluated at the rule's evaluation time. */
  templateQuery?: (expr: string, atMs: number) => ReturnType<TemplateQueryFn>;
}

/** An alert as handed to the notification pipeline (Alertmanager's API model). */
export interface OutgoingAlert {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAtMs: number;
  /** For a firing alert: until when it is valid without a re-send; for a resolved one: the resolution time. */
  readonly endsAtMs: number;
  readonly generatorURL: string;
}

/** Evaluates one `alert:` rule. Not safe for concurrent evaluation; its group evaluates rules in order. */
export class AlertingRule {
  readonly kind = 'alert' as const;
  private active = new Map<string, ActiveAlert>();
  private health: RuleHealth = 'unknown';
  private lastError = '';
  private lastEvaluationMs = 0;
  private evaluationDurationMs = 0;
  /** Parsed label and annotation templates, so each is parsed once per rule, not once per alert and round. */
  private readonly templates = new Map<string, ParsedTemplate>();

  constructor(readonly spec: RuleSpec, private readonly groupLabels: Readonly<Record<string, string>> = {}) {}

  /** The alert name. */
  get name(): string {
    return this.spec.name;
  }

  /** Evaluates at `tsMs`; returns the ALERTS and ALERTS_FOR_STATE samples. Throws on failure (state is left unchanged). */
  async eval(tsMs: number, query: QueryFn, queryOffsetMs: number, limit: number, ctx: AlertTemplateContext): Promise<RuleOutput[]> {
    const vector = await query(this.spec.expr, tsMs - queryOffsetMs);
    const candidates: AlertCandidate[] = [];
    const seen = new Set<string>();
    const tq = ctx.templateQuery;
    const templateQuery: TemplateQueryFn | undefined = tq ? (expr) => tq(expr, tsMs) : undefined;
    const ruleLabels = { ...this.groupLabels, ...this.spec.labels };
    const tname = `__alert_${this.spec.name}`;
    for (const s of vector) {
      const data = { labels: s.labels.toObject(), externalLabels: { ...ctx.externalLabels }, externalURL: ctx.externalURL, value: s.v };
      const b = s.labels.builder().del(METRIC_NAME);
      for (const [k, v] of Object.entries(ruleLabels)) b.set(k, await expandAlertTemplate(v, tname, data, templateQuery, this.templates));
      b.set(ALERT_NAME_LABEL, this.spec.name);
      const labels = b.labels();
      if (seen.has(labels.key)) throw new Error('vector contains metrics with the same labelset after applying alert labels');
      seen.add(labels.key);
      const annotations: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.spec.annotations)) annotations[k] = await expandAlertTemplate(v, tname, data, templateQuery, this.templates);
      candidates.push({ labels, annotations, value: s.v });
    }
    // Exceeding the limit clears the rule's alerts, as in Prometheus, so a runaway rule cannot flood receivers.
    advanceAlerts(this.active, candidates, tsMs, this.spec.forMs, this.spec.keepFiringForMs);
    const out: RuleOutput[] = [];
    let n = 0;
    for (const a of this.active.values()) {
      if (a.state === 'inactive') continue;
      n++;
      out.push({ labels: a.labels.builder().set(METRIC_NAME, 'ALERTS').set(ALERT_STATE_LABEL, a.state).labels(), v: 1 });
      out.push({ labels: a.labels.with(METRIC_NAME, 'ALERTS_FOR_STATE'), v: a.activeAtMs / 1000 });
    }
    if (limit > 0 && n > limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${limit} with ${n} alerts`);
    }
    return out;
  }

  /** The alerts due for sending at `tsMs` (marking them sent), in Prometheus's sendAlerts shape. */
  alertsToSend(tsMs: number, resendDelayMs: number, intervalMs: number, generatorURL: string): OutgoingAlert[] {
    const out: OutgoingAlert[] = [];
    for (const a of this.active.values()) {
      if (!needsSending(a, tsMs, resendDelayMs)) continue;
      a.validUntilMs = tsMs + 4 * Math.max(resendDelayMs, intervalMs);
      a.lastSentAtMs = tsMs;
      out.push({
        labels: a.labels, annotations: a.annotations, startsAtMs: a.firedAtMs,
        endsAtMs: a.resolvedAtMs !== 0 ? a.resolvedAtMs : a.validUntilMs, generatorURL,
      });
    }
    return out;
  }

  /** The rule's current alerts (pending, firing, and recently resolved). The objects belong to the rule. */
  alerts(): readonly ActiveAlert[] {
    return [...this.active.values()];
  }

  /** Replaces the rule's alerts with persisted ones, after a restart. */
  restore(alerts: readonly ActiveAlert[]): void {
    this.active = new Map(alerts.map((a) => [a.labels.key, { ...a }]));
  }

  /** Records the outcome of an evaluation. */
  setOutcome(tsMs: number, durationMs: number, error: unknown): void {
    this.lastEvaluationMs = tsMs;
    this.evaluationDurationMs = durationMs;
    this.health = error === undefined ? 'ok' : 'err';
    this.lastError = error === undefined ? '' : String((error as Error).message ?? error);
  }

  /** Health, last error and timing of the last evaluation. */
  status(): RuleStatus {
    return { health: this.health, lastError: this.lastError, lastEvaluationMs: this.lastEvaluationMs, evaluationDurationMs: this.evaluationDurationMs };
  }
}

export { Labels };
