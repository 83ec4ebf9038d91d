/**
 * Functions over instant vectors and scalars at one step, as in Prometheus 2.42's promql/functions.go.
 */
import { Labels, METRIC_NAME, compileAnchored, isValidLabelName } from '@hlmon/model';
import { QueryError } from './errors.js';
import type { VecElement } from './value.js';

/** Arguments of one call at one step. */
export interface CallArgs {
  readonly vectors: readonly (VecElement[] | undefined)[];
  readonly scalars: readonly (number | undefined)[];
  readonly strings: readonly (string | undefined)[];
  readonly stepMs: number;
  readonly dropName: (l: Labels) => Labels;
}

/** An instant-vector function. */
export type InstantFunction = (a: CallArgs) => VecElement[];

function mapValues(fn: (v: number) => number): InstantFunction {
  return (a) => a.vectors[0]!.map((e) => ({ labels: a.dropName(e.labels), v: fn(e.v), t: a.stepMs }));
}

function dateFn(fn: (d: Date) => number): InstantFunction {
  return (a) => {
    if (a.vectors.length === 0) return [{ labels: Labels.EMPTY, v: fn(new Date(Math.trunc(a.stepMs / 1000) * 1000)), t: a.stepMs }];
    return a.vectors[0]!.map((e) => ({ labels: a.dropName(e.labels), v: fn(new Date(Math.trunc(e.v) * 1000)), t: a.stepMs }));
  };
}

/** Parses a bucket bound as Go's strconv.ParseFloat does, for `le` labels. */
export function parseGoFloat(s: string): number | undefined {
  const t = s.trim() === s ? s : '';
  const lower = t.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(lower)) return NaN;
  if (/^[+-]?(\d[\d_]*\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) return Number(lower.replace(/_/g, ''));
  if (/^[+-]?0x[0-9a-f]+$/.test(lower)) return (lower.startsWith('-') ? -1 : 1) * parseInt(lower.replace(/^[+-]?0x/, ''), 16);
  return undefined;
}

interface Bucket { upper: number; count: number }

/** The φ-quantile of classic buckets, as Prometheus's bucketQuantile. */
export function bucketQuantile(q: number, bucketsIn: Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = bucketsIn.slice().sort((a, b) => a.upper - b.upper);
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upper !== Infinity) return NaN;
  // Coalesce buckets with the same bound, then force the counts to be monotonic.
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upper === b.upper) last.count += b.count;
    else buckets.push({ ...b });
  }
  let max = -Infinity;
  for (const b of buckets) {
    if (b.count > max) max = b.count;
    else if (b.count < max) b.count = max;
  }
  if (buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = 0;
  // sort.Search over all but the last bucket.
  let lo = 0, hi = buckets.length - 1;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (buckets[m]!.count >= rank) hi = m; else lo = m + 1; }
  b = lo;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upper;
  if (b === 0 && buckets[0]!.upper <= 0) return buckets[0]!.upper;
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upper;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upper;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

function histogramQuantile(a: CallArgs): VecElement[] {
  const q = a.scalars[0]!;
  const groups = new Map<string, { labels: Labels; buckets: Bucket[] }>();
  for (const e of a.vectors[1]!) {
    const upper = parseGoFloat(e.labels.get('le'));
    if (upper === undefined) continue;
    const key = e.labels.without('le').key;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels: e.labels.without('le', METRIC_NAME), buckets: [] }));
    g.buckets.push({ upper, count: e.v });
  }
  return [...groups.values()].map((g) => ({ labels: g.labels, v: bucketQuantile(q, g.buckets), t: a.stepMs }));
}

/** Expands `$1`, `${name}` and `$$` in a replacement as Go's regexp.Expand does. */
export function goExpand(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') { out += c; continue; }
    const next = template[i + 1];
    if (next === '$') { out += '$'; i++; continue; }
    let name: string | undefined;
    let end = i + 1;
    if (next === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (close >= 0 && /^[A-Za-z0-9_]+$/.test(inner)) { name = inner; end = close + 1; }
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (mm) { name = mm[0]; end = i + 1 + mm[0].length; }
    }
    if (name === undefined) { out += '$'; continue; }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
    i = end - 1;
  }
  return out;
}

function labelReplace(a: CallArgs): VecElement[] {
  const [dst, repl, src, re] = a.strings.slice(1) as [string, string, string, string];
  let regex: RegExp;
  try {
    regex = compileAnchored(re);
  } catch (cause) {
    throw new QueryError('execution', `invalid regular expression in label_replace(): ${re}`, { cause });
  }
  if (!isValidLabelName(dst)) throw new QueryError('execution', `invalid destination label name in label_replace(): ${dst}`);
  return a.vectors[0]!.map((e) => {
    const m = regex.exec(e.labels.get(src));
    if (!m) return { labels: e.labels, v: e.v, t: a.stepMs };
    return { labels: e.labels.with(dst, goExpand(repl, m)), v: e.v, t: a.stepMs };
  });
}

function labelJoin(a: CallArgs): VecElement[] {
  const [dst, sep, ...srcs] = a.strings.slice(1) as string[];
  if (!isValidLabelName(dst!)) throw new QueryError('execution', `invalid destination label name in label_join(): ${dst}`);
  for (const s of srcs) if (!isValidLabelName(s)) throw new QueryError('execution', `invalid source label name in label_join(): ${s}`);
  return a.vectors[0]!.map((e) => ({ labels: e.labels.with(dst!, srcs.map((s) => e.labels.get(s)).join(sep)), v: e.v, t: a.stepMs }));
}

function byValue(desc: boolean): InstantFunction {
  return (a) => a.vectors[0]!.slice().sort((x, y) => {
    if (Number.isNaN(x.v)) return Number.isNaN(y.v) ? 0 : -1;
    if (Number.isNaN(y.v)) return 1;
    return desc ? y.v - x.v : x.v - y.v;
  });
}

function sgn(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : v;
}

/** Instant-vector functions by name; absent, scalar, vector, time, timestamp, pi are handled by the evaluator. */
export const INSTANT_FUNCTIONS: ReadonlyMap<string, InstantFunction> = new Map<string, InstantFunction>([
  ['abs', mapValues(Math.abs)],
  ['ceil', mapValues(Math.ceil)],
  ['floor', mapValues(Math.floor)],
  ['exp', mapValues(Math.exp)],
  ['ln', mapValues(Math.log)],
  ['log2', mapValues(Math.log2)],
  ['log10', mapValues(Math.log10)],
  ['sqrt', mapValues(Math.sqrt)],
  ['sgn', mapValues(sgn)],
  ['acos', mapValues(Math.acos)], ['acosh', mapValues(Math.acosh)], ['asin', mapValues(Math.asin)], ['asinh', mapValues(Math.asinh)],
  ['atan', mapValues(Math.atan)], ['atanh', mapValues(Math.atanh)], ['cos', mapValues(Math.cos)], ['cosh', mapValues(Math.cosh)],
  ['sin', mapValues(Math.sin)], ['sinh', mapValues(Math.sinh)], ['tan', mapValues(Math.tan)], ['tanh', mapValues(Math.tanh)],
  ['deg', mapValues((v) => (v * 180) / Math.PI)],
  ['rad', mapValues((v) => (v * Math.PI) / 180)],
  ['histogram_count', () => []],
  ['histogram_sum', () => []],
  ['histogram_fraction', () => []],
  ['round', (a) => {
    const toNearest = a.scalars[1] ?? 1;
    const inv = 1 / toNearest;
    return a.vectors[0]!.map((e) => ({ labels: a.dropName(e.labels), v: Math.floor(e.v * inv + 0.5) / inv, t: a.stepMs }));
  }],
  ['clamp', (a) => {
    const min = a.scalars[1]!, max = a.scalars[2]!;
    if (max < min) return [];
    return a.vectors[0]!.map((e) => ({ labels: a.dropName(e.labels), v: goMax(min, goMin(max, e.v)), t: a.stepMs }));
  }],
  ['clamp_min', (a) => a.vectors[0]!.map((e) => ({ labels: a.dropName(e.labels), v: goMax(a.scalars[1]!, e.v), t: a.stepMs }))],
  ['clamp_max', (a) => a.vectors[0]!.map((e) => ({ labels: a.dropName(e.labels), v: goMin(a.scalars[1]!, e.v), t: a.stepMs }))],
  ['sort', byValue(false)],
  ['sort_desc', byValue(true)],
  ['histogram_quantile', histogramQuantile],
  ['label_replace', labelReplace],
  ['label_join', labelJoin],
  ['day_of_month', dateFn((d) => d.getUTCDate())],
  ['day_of_week', dateFn((d) => d.getUTCDay())],
  ['day_of_year', dateFn((d) => Math.round((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1)],
  ['days_in_month', dateFn((d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate())],
  ['hour', dateFn((d) => d.getUTCHours())],
  ['minute', dateFn((d) => d.getUTCMinutes())],
  ['month', dateFn((d) => d.getUTCMonth() + 1)],
  ['year', dateFn((d) => d.getUTCFullYear())],
]);

/** Go's math.Max: NaN wins. */
function goMax(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
}

/** Go's math.Min: NaN wins. */
function goMin(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
}
