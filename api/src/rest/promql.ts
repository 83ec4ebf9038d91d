/**
 * Small helpers for building PromQL text and reading instant-query results, shared by the REST handlers.
 * The REST API computes everything through the engine (not by reading samples itself) so that the numbers
 * a user sees on a card are the same ones the same PromQL gives in Explore or in Grafana.
 */
import type { Labels } from '@hlmon/model';
import type { ApiEngine } from '../prometheus/router.js';
import { ApiError } from '../errors.js';

/** A PromQL string literal for a label value (Go-style escapes, which JSON's are a subset of). */
export function promString(value: string): string {
  return JSON.stringify(value);
}

/** Extra matchers to splice into a selector: `,instance="x",job="y"` (empty when none). */
export function extraMatchers(filter: { instance?: string; job?: string }): string {
  let s = '';
  if (filter.instance !== undefined) s += `,instance=${promString(filter.instance)}`;
  if (filter.job !== undefined) s += `,job=${promString(filter.job)}`;
  return s;
}

/** One element of an instant vector. */
export interface VectorSample {
  readonly labels: Labels;
  readonly v: number;
}

/** Runs an instant query that must return a vector; other result types are an internal fault. */
export async function instantVector(engine: ApiEngine, expr: string, timeMs: number, signal?: AbortSignal): Promise<VectorSample[]> {
  let res;
  try {
    res = await engine.instantQuery(expr, timeMs, signal ? { signal } : undefined);
  } catch (err) {
    // A timeout or a client that went away is not a server fault; anything else is, and keeps its cause.
    if (signal?.aborted) throw new ApiError(503, 'canceled', `query stopped: ${String((signal.reason as Error)?.message ?? signal.reason)}`, undefined, { cause: err });
    throw new Error(`query ${expr} failed: ${(err as Error).message}`, { cause: err });
  }
  if (res.resultType !== 'vector') throw new Error(`query ${expr} returned ${res.resultType}, expected vector`);
  return res.result.map((s) => ({ labels: s.labels, v: s.v }));
}

/** The key of a target: job and instance, which together name one scrape target. */
export function targetKey(labels: Labels): string {
  return `${labels.get('job')}\u0000${labels.get('instance')}`;
}

/** A finite number or null, so JSON never carries NaN (which it cannot) and the UI shows "unknown". */
export function finiteOrNull(v: number | undefined): number | null {
  return v === undefined || !Number.isFinite(v) ? null : v;
}
