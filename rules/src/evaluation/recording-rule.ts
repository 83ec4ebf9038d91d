/** A recording rule: evaluates an expression and writes the result back under a new metric name. */
import { Labels, METRIC_NAME } from '@hlmon/model';
import type { RuleSpec } from '../rulefmt.js';
import type { QueryFn } from './query-fn.js';
import type { RuleHealth, RuleStatus } from './health.js';

/** One output sample of a rule. */
export interface RuleOutput {
  readonly labels: Labels;
  readonly v: number;
}

/** Evaluates one `record:` rule. Not safe for concurrent evaluation; its group evaluates rules in order. */
export class RecordingRule {
  readonly kind = 'record' as const;
  private health: RuleHealth = 'unknown';
  private lastError = '';
  private lastEvaluationMs = 0;
  private evaluationDurationMs = 0;

  constructor(readonly spec: RuleSpec, private readonly groupLabels: Readonly<Record<string, string>> = {}) {}

  /** The rule's name (the recorded metric). */
  get name(): string {
    return this.spec.name;
  }

  /** Evaluates at `tsMs` (querying at `tsMs - queryOffsetMs`); returns the samples to write. Throws on failure. */
  async eval(tsMs: number, query: QueryFn, queryOffsetMs: number, limit: number): Promise<RuleOutput[]> {
    const vector = await query(this.spec.expr, tsMs - queryOffsetMs);
    const out: RuleOutput[] = [];
    const seen = new Set<string>();
    for (const s of vector) {
      const b = s.labels.builder().set(METRIC_NAME, this.spec.name);
      for (const [k, v] of Object.entries(this.groupLabels)) b.set(k, v);
      for (const [k, v] of Object.entries(this.spec.labels)) b.set(k, v);
      const labels = b.labels();
      if (seen.has(labels.key)) throw new Error('vector contains metrics with the same labelset after applying rule labels');
      seen.add(labels.key);
      out.push({ labels, v: s.v });
    }
    if (limit > 0 && out.length > limit) throw new Error(`exceeded limit of ${limit} with ${out.length} series`);
    return out;
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
