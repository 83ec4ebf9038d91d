/** The query function rules are handed instead of an engine: evaluation never imports the store. */
import { Labels } from '@hlmon/model';

/** One sample of an instant vector. */
export interface VectorSample {
  readonly labels: Labels;
  readonly v: number;
}

/** Evaluates a PromQL expression at `atMs` and returns an instant vector; scalars come back as one sample without labels. */
export type QueryFn = (expr: string, atMs: number) => Promise<VectorSample[]>;

/** The shape of `@hlmon/query`'s instant query result that `engineQueryFn` accepts. */
export type EngineInstantResult =
  | { resultType: 'vector'; result: readonly { labels: Labels; t?: number; v: number }[] }
  | { resultType: 'scalar'; result: { t?: number; v: number } | readonly [number, number] }
  | { resultType: string; result: unknown };

/** Adapts an engine's `instantQuery(expr, timeMs)` into a QueryFn, as Prometheus's EngineQueryFunc does. */
export function engineQueryFn(engine: { instantQuery(expr: string, timeMs: number): Promise<EngineInstantResult | { resultType: string; result: unknown }> }): QueryFn {
  return async (expr, atMs) => {
    const r = await engine.instantQuery(expr, atMs);
    if (r.resultType === 'vector') {
      return (r.result as readonly { labels: Labels; v: number }[]).map((s) => ({ labels: s.labels, v: s.v }));
    }
    if (r.resultType === 'scalar') {
      const s = r.result as { v: number } | readonly [number, number];
      const v = Array.isArray(s) ? (s as readonly [number, number])[1] : (s as { v: number }).v;
      return [{ labels: Labels.EMPTY, v }];
    }
    throw new Error('rule result is not a vector or scalar');
  };
}
