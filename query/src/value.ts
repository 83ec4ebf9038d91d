/**
 * Values the evaluator passes between nodes. Every node is evaluated at all steps at once, as Prometheus's
 * range evaluation does: a vector value is one list of elements per step.
 */
import type { Labels, Matcher, SelectHints } from '@hlmon/model';

/** One element of an instant vector at one step; `t` is the sample's own time for plain selectors, else the step. */
export interface VecElement {
  readonly labels: Labels;
  readonly v: number;
  readonly t: number;
}

/** A series of raw samples, as columns; used for range vectors. */
export interface RangeSeries {
  readonly labels: Labels;
  readonly ts: number[];
  readonly vs: number[];
}

/**
 * An optional capability of a Querier: returning samples as parallel arrays spares the engine one object per
 * sample. MemoryStorage has it; the engine falls back to `select` for queriers without it.
 */
export interface ColumnarQuerier {
  /** Like Querier.select, with each series' samples as columns; the arrays belong to the caller. */
  selectColumns(matchers: readonly Matcher[], hints: SelectHints): Promise<RangeSeries[]>;
}

/** True when the querier offers `selectColumns`. */
export function isColumnar(q: object): q is ColumnarQuerier {
  return typeof (q as Partial<ColumnarQuerier>).selectColumns === 'function';
}

/** An evaluated node. */
export type Value =
  | { readonly type: 'vector'; readonly steps: VecElement[][] }
  | { readonly type: 'scalar'; readonly steps: number[] }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'matrix'; readonly series: RangeSeries[] };

/** Compares label sets as Prometheus's labels.Compare does: pair by pair, names then values, then length. */
export function compareLabels(a: Labels, b: Labels): number {
  const x = a.toArray(), y = b.toArray();
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i]!, q = y[i]!;
    if (p.name !== q.name) return p.name < q.name ? -1 : 1;
    if (p.value !== q.value) return p.value < q.value ? -1 : 1;
  }
  return x.length - y.length;
}
