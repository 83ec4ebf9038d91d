/**
 * Binary operators: arithmetic, comparison and set operations with vector matching, per step, as in
 * Prometheus 2.42's VectorBinop, VectorscalarBinop and VectorAnd/Or/Unless.
 */
import { METRIC_NAME } from '@hlmon/model';
import type { Labels } from '@hlmon/model';
import type { VectorMatching } from './ast.js';
import { QueryError } from './errors.js';
import type { VecElement } from './value.js';

const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);

const NAME_DROPPING = new Set(['+', '-', '*', '/', '%', '^']);

/** True for the operators whose result loses the metric name: arithmetic, but not atan2 (as in Prometheus 2.42). */
export function dropsMetricName(op: string): boolean {
  return NAME_DROPPING.has(op);
}

/** True for the comparison operators. */
export function isComparison(op: string): boolean {
  return COMPARISONS.has(op);
}

/** Go's math.Pow edge cases differ from JavaScript's `**` (1^NaN, (-1)^±Inf). */
function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if ((x === -1) && !Number.isFinite(y) && !Number.isNaN(y)) return 1;
  return x ** y;
}

/** Applies an arithmetic or comparison operator; returns the value and whether a comparison holds. */
export function scalarBinop(op: string, l: number, r: number): [number, boolean] {
  switch (op) {
    case '+': return [l + r, true];
    case '-': return [l - r, true];
    case '*': return [l * r, true];
    case '/': return [l / r, true];
    case '%': return [l % r, true];
    case '^': return [goPow(l, r), true];
    case 'atan2': return [Math.atan2(l, r), true];
    case '==': return [l, l === r];
    case '!=': return [l, l !== r];
    case '>': return [l, l > r];
    case '<': return [l, l < r];
    case '>=': return [l, l >= r];
    case '<=': return [l, l <= r];
  }
  throw new QueryError('execution', `operator ${JSON.stringify(op)} not allowed for scalar operations`);
}

/** Computes matching signatures, caching per label set since series repeat across steps. */
export class Signer {
  private readonly cache = new WeakMap<Labels, string>();
  constructor(private readonly matching: VectorMatching) {}

  sig(l: Labels): string {
    let s = this.cache.get(l);
    if (s === undefined) {
      s = this.matching.on ? l.only(...this.matching.labels).key : l.without(...this.matching.labels, METRIC_NAME).key;
      this.cache.set(l, s);
    }
    return s;
  }
}

/** `and`, `or`, `unless` at one step. */
export function setOp(op: string, lhs: VecElement[], rhs: VecElement[], signer: Signer): VecElement[] {
  if (op === 'and') {
    if (lhs.length === 0 || rhs.length === 0) return [];
    const right = new Set(rhs.map((e) => signer.sig(e.labels)));
    return lhs.filter((e) => right.has(signer.sig(e.labels)));
  }
  if (op === 'or') {
    if (rhs.length === 0) return lhs;
    if (lhs.length === 0) return rhs;
    const left = new Set(lhs.map((e) => signer.sig(e.labels)));
    return lhs.concat(rhs.filter((e) => !left.has(signer.sig(e.labels))));
  }
  if (lhs.length === 0 || rhs.length === 0) return lhs;
  const right = new Set(rhs.map((e) => signer.sig(e.labels)));
  return lhs.filter((e) => !right.has(signer.sig(e.labels)));
}

/** An arithmetic or comparison operator between two vectors at one step. */
export function vectorBinop(op: string, lhsIn: VecElement[], rhsIn: VecElement[], matching: VectorMatching, returnBool: boolean,
  signer: Signer, resultLabels: (l: Labels, r: Labels) => Labels, stepMs: number): VecElement[] {
  if (lhsIn.length === 0 || rhsIn.length === 0) return [];
  let lhs = lhsIn, rhs = rhsIn;
  if (matching.card === 'one-to-many') [lhs, rhs] = [rhs, lhs];
  const rightSigs = new Map<string, VecElement>();
  for (const rs of rhs) {
    const sig = signer.sig(rs.labels);
    const dupl = rightSigs.get(sig);
    if (dupl) {
      const oneSide = matching.card === 'one-to-many' ? 'left' : 'right';
      const matched = matching.on ? rs.labels.only(...matching.labels) : rs.labels.without(...matching.labels);
      throw new QueryError('execution', `found duplicate series for the match group ${matched.toString()} on the ${oneSide} hand-side of the operation: ` +
        `[${rs.labels.toString()}, ${dupl.labels.toString()}];many-to-many matching not allowed: matching labels must be unique on one side`);
    }
    rightSigs.set(sig, rs);
  }
  const matched = new Map<string, Set<string> | null>();
  const out: VecElement[] = [];
  for (const ls of lhs) {
    const sig = signer.sig(ls.labels);
    const rs = rightSigs.get(sig);
    if (!rs) continue;
    let fl = ls.v, fr = rs.v;
    if (matching.card === 'one-to-many') [fl, fr] = [fr, fl];
    let [value, keep] = scalarBinop(op, fl, fr);
    if (returnBool) value = keep ? 1 : 0;
    else if (!keep) continue;
    let metric = resultLabels(ls.labels, rs.labels);
    if (returnBool) metric = metric.without(METRIC_NAME);
    const inserted = matched.get(sig);
    if (matching.card === 'one-to-one') {
      if (inserted !== undefined) throw new QueryError('execution', 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      matched.set(sig, null);
    } else {
      const key = metric.key;
      if (inserted === undefined || inserted === null) matched.set(sig, new Set([key]));
      else if (inserted.has(key)) throw new QueryError('execution', 'multiple matches for labels: grouping labels must ensure unique matches');
      else inserted.add(key);
    }
    out.push({ labels: metric, v: value, t: stepMs });
  }
  return out;
}

/** The labels of a vector-vector result, as Prometheus's resultMetric. */
export function makeResultLabels(op: string, matching: VectorMatching): (l: Labels, r: Labels) => Labels {
  const dropName = dropsMetricName(op);
  const cache = new WeakMap<Labels, WeakMap<Labels, Labels>>();
  return (lhs, rhs) => {
    let inner = cache.get(lhs);
    if (!inner) cache.set(lhs, (inner = new WeakMap()));
    let res = inner.get(rhs);
    if (res) return res;
    const b = lhs.builder();
    if (dropName) b.del(METRIC_NAME);
    if (matching.card === 'one-to-one') {
      if (matching.on) {
        const keep = new Set(matching.labels);
        for (const n of b.names()) if (!keep.has(n)) b.del(n);
      } else b.del(...matching.labels);
    }
    for (const name of matching.include) b.set(name, rhs.get(name));
    res = b.labels();
    inner.set(rhs, res);
    return res;
  };
}

/** A vector and a scalar at one step; `swap` when the scalar was on the left. */
export function vectorScalarBinop(op: string, vec: VecElement[], scalar: number, swap: boolean, returnBool: boolean,
  dropName: (l: Labels) => Labels, stepMs: number): VecElement[] {
  const out: VecElement[] = [];
  const comparison = isComparison(op);
  for (const e of vec) {
    let lv = e.v, rv = scalar;
    if (swap) [lv, rv] = [rv, lv];
    let [value, keep] = scalarBinop(op, lv, rv);
    // The vector element's value is the result of a filter, even when the scalar is on the left.
    if (comparison && swap) value = rv;
    if (returnBool) { value = keep ? 1 : 0; keep = true; }
    if (!keep) continue;
    const labels = dropsMetricName(op) || returnBool ? dropName(e.labels) : e.labels;
    out.push({ labels, v: value, t: stepMs });
  }
  return out;
}
