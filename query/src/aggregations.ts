/**
 * Aggregation operators at one step, as in Prometheus 2.42's aggregation(): grouping by or without labels,
 * NaN handling of min and max, incremental mean and variance, topk/bottomk, quantile and count_values.
 */
import { LabelsBuilder, METRIC_NAME, isValidLabelName } from '@hlmon/model';
import type { Labels } from '@hlmon/model';
import { QueryError } from './errors.js';
import { formatGoFloatF } from './format.js';
import { quantile } from './range-functions.js';
import type { VecElement } from './value.js';

interface Group {
  labels: Labels;
  value: number;
  mean: number;
  count: number;
  values: number[];
  heap: VecElement[];
}

/** Grouping keys cached per label set, since the same series recur at every step. */
export class Grouper {
  private readonly cache = new WeakMap<Labels, Labels>();
  constructor(private readonly grouping: readonly string[], private readonly without: boolean) {}

  group(l: Labels): Labels {
    let g = this.cache.get(l);
    if (g === undefined) {
      g = this.without ? l.without(...this.grouping, METRIC_NAME) : l.only(...this.grouping);
      this.cache.set(l, g);
    }
    return g;
  }
}

/** Evaluates one aggregation over one step's vector. `param` is the scalar or string parameter at this step. */
export function aggregate(op: string, vec: VecElement[], grouper: Grouper, grouping: readonly string[], without: boolean,
  param: number | string | undefined, stepMs: number): VecElement[] {
  let input = vec;
  let effGrouper = grouper;
  if (op === 'count_values') {
    const label = param as string;
    if (!isValidLabelName(label)) throw new QueryError('execution', `invalid label name ${JSON.stringify(label)}`);
    input = vec.map((e) => ({ labels: new LabelsBuilder(e.labels).set(label, formatGoFloatF(e.v)).labels(), v: e.v, t: e.t }));
    effGrouper = new Grouper(without ? grouping : [...grouping, label], without);
  }
  let k = 0;
  if (op === 'topk' || op === 'bottomk') {
    const p = param as number;
    // Prometheus converts the parameter with int64(); out-of-range values are clamped here instead.
    k = Number.isNaN(p) ? 0 : Math.trunc(Math.max(-1e15, Math.min(1e15, p)));
    if (k < 1) return [];
  }
  const groups = new Map<string, Group>();
  const order: Group[] = [];
  for (const e of input) {
    const gl = effGrouper.group(e.labels);
    let g = groups.get(gl.key);
    if (!g) {
      g = { labels: gl, value: e.v, mean: e.v, count: 1, values: [], heap: [] };
      groups.set(gl.key, g);
      order.push(g);
      switch (op) {
        case 'avg': case 'stddev': case 'stdvar': g.mean = e.v; g.value = 0; break;
        case 'count': case 'group': g.value = 1; break;
        case 'quantile': g.values.push(e.v); break;
        case 'topk': case 'bottomk': g.heap.push(e); break;
      }
      continue;
    }
    switch (op) {
      case 'sum': g.value += e.v; break;
      case 'avg': {
        g.count++;
        if (!Number.isFinite(g.mean) && !Number.isNaN(g.mean)) {
          if (!Number.isFinite(e.v) && !Number.isNaN(e.v) && (g.mean > 0) === (e.v > 0)) break;
          if (Number.isFinite(e.v)) break;
        }
        g.mean += e.v / g.count - g.mean / g.count;
        break;
      }
      case 'group': break;
      case 'count': case 'count_values': g.count++; break;
      case 'max': if (g.value < e.v || Number.isNaN(g.value)) g.value = e.v; break;
      case 'min': if (g.value > e.v || Number.isNaN(g.value)) g.value = e.v; break;
      case 'stddev': case 'stdvar': {
        g.count++;
        const delta = e.v - g.mean;
        g.mean += delta / g.count;
        g.value += delta * (e.v - g.mean);
        break;
      }
      case 'topk': case 'bottomk': g.heap.push(e); break;
      case 'quantile': g.values.push(e.v); break;
    }
  }
  const out: VecElement[] = [];
  for (const g of order) {
    switch (op) {
      case 'avg': out.push({ labels: g.labels, v: g.mean, t: stepMs }); break;
      case 'count': case 'count_values': out.push({ labels: g.labels, v: g.count, t: stepMs }); break;
      case 'stdvar': out.push({ labels: g.labels, v: g.value / g.count, t: stepMs }); break;
      case 'stddev': out.push({ labels: g.labels, v: Math.sqrt(g.value / g.count), t: stepMs }); break;
      case 'quantile': out.push({ labels: g.labels, v: quantile(param as number, g.values), t: stepMs }); break;
      case 'topk': case 'bottomk': {
        // NaN sorts below every number for topk and above for bottomk, so it is picked last in both.
        const top = op === 'topk';
        const sorted = g.heap.slice().sort((a, b) => {
          if (Number.isNaN(a.v)) return Number.isNaN(b.v) ? 0 : 1;
          if (Number.isNaN(b.v)) return -1;
          return top ? b.v - a.v : a.v - b.v;
        });
        for (const e of sorted.slice(0, k)) out.push({ labels: e.labels, v: e.v, t: stepMs });
        break;
      }
      default: out.push({ labels: g.labels, v: g.value, t: stepMs });
    }
  }
  return out;
}
