/**
 * Functions over range vectors (rate, *_over_time, ...), ported from Prometheus 2.42's promql/functions.go.
 * Each gets one series' window as parallel arrays [lo, hi) and returns a value or undefined for no output.
 */

/**
 * A window of one series at one step. The evaluator reuses one object for all windows of a call, to spare
 * the garbage collector; functions must not keep it.
 */
export interface Window {
  ts: readonly number[];
  vs: readonly number[];
  lo: number;
  hi: number;
  /** The step's evaluation time (ms), before offset and `@`. */
  stepMs: number;
  /** The range's end (ms): the step or `@` time minus offset. */
  rangeEndMs: number;
  rangeMs: number;
  /** Scalar arguments at this step, in argument order (other than the range vector). */
  params: readonly number[];
}

/** A function over a window. */
export type RangeFunction = (w: Window) => number | undefined;

function extrapolatedRate(w: Window, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, vs, lo, hi } = w;
  const n = hi - lo;
  if (n < 2) return undefined;
  const rangeStart = w.rangeEndMs - w.rangeMs;
  const rangeEnd = w.rangeEndMs;
  let result = vs[hi - 1]! - vs[lo]!;
  if (isCounter) {
    let last = 0;
    for (let i = lo; i < hi; i++) {
      if (vs[i]! < last) result += last;
      last = vs[i]!;
    }
  }
  let durationToStart = (ts[lo]! - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - ts[hi - 1]!) / 1000;
  const sampledInterval = (ts[hi - 1]! - ts[lo]!) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  if (isCounter && result > 0 && vs[lo]! >= 0) {
    // Counters cannot be negative: do not extrapolate below the counter's zero point.
    const durationToZero = sampledInterval * (vs[lo]! / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageDurationBetweenSamples * 1.1;
  let extrapolateToInterval = sampledInterval;
  extrapolateToInterval += durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2;
  extrapolateToInterval += durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2;
  result = result * (extrapolateToInterval / sampledInterval);
  if (isRate) result = result / (w.rangeMs / 1000);
  return result;
}

function instantValue(w: Window, isRate: boolean): number | undefined {
  const { ts, vs, hi } = w;
  if (hi - w.lo < 2) return undefined;
  const last = vs[hi - 1]!, prev = vs[hi - 2]!;
  let result = isRate && last < prev ? last : last - prev;
  const interval = ts[hi - 1]! - ts[hi - 2]!;
  if (interval === 0) return undefined;
  if (isRate) result /= interval / 1000;
  return result;
}

/** Kahan-compensated summation step, as Prometheus uses in linear regression. */
function kahanInc(inc: number, sum: number, c: number): [number, number] {
  const t = sum + inc;
  if (Math.abs(sum) >= Math.abs(inc)) c += (sum - t) + inc;
  else c += (inc - t) + sum;
  return [t, c];
}

/** Least-squares slope and intercept of the window, x in seconds relative to interceptTimeMs. */
export function linearRegression(w: Window, interceptTimeMs: number): [number, number] {
  const { ts, vs, lo, hi } = w;
  let n = 0, sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
  const initY = vs[lo]!;
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const v = vs[i]!;
    if (constY && i > lo && v !== initY) constY = false;
    n += 1;
    const x = (ts[i]! - interceptTimeMs) / 1e3;
    [sumX, cX] = kahanInc(x, sumX, cX);
    [sumY, cY] = kahanInc(v, sumY, cY);
    [sumXY, cXY] = kahanInc(x * v, sumXY, cXY);
    [sumX2, cX2] = kahanInc(x * x, sumX2, cX2);
  }
  if (constY) {
    if (!Number.isFinite(initY) && !Number.isNaN(initY)) return [NaN, NaN];
    return [0, initY];
  }
  sumX += cX; sumY += cY; sumXY += cXY; sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

/** The quantile of sorted-on-demand values, as Prometheus's quantile(): linear interpolation between ranks. */
export function quantile(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  values.sort((a, b) => a - b);
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower]! * (1 - weight) + values[upper]! * weight;
}

function avgOverTime(w: Window): number {
  const { vs, lo, hi } = w;
  let mean = 0, count = 0;
  for (let i = lo; i < hi; i++) {
    const v = vs[i]!;
    count++;
    if (!Number.isFinite(mean) && !Number.isNaN(mean)) {
      if (!Number.isFinite(v) && !Number.isNaN(v) && (mean > 0) === (v > 0)) continue;
      if (Number.isFinite(v)) continue;
    }
    mean += v / count - mean / count;
  }
  return mean;
}

function variance(w: Window): number {
  const { vs, lo, hi } = w;
  let count = 0, mean = 0, aux = 0;
  for (let i = lo; i < hi; i++) {
    count++;
    const delta = vs[i]! - mean;
    mean += delta / count;
    aux += delta * (vs[i]! - mean);
  }
  return aux / count;
}

function holtWinters(w: Window): number | undefined {
  const [sf, tf] = w.params as [number, number];
  if (!(sf > 0 && sf < 1)) throw new Error(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${sf.toFixed(6)}`);
  if (!(tf > 0 && tf < 1)) throw new Error(`invalid trend factor. Expected: 0 < tf < 1, got: ${tf.toFixed(6)}`);
  const { vs, lo, hi } = w;
  if (hi - lo < 2) return undefined;
  let s0 = 0, s1 = vs[lo]!, b = vs[lo + 1]! - vs[lo]!;
  for (let i = 1; i < hi - lo; i++) {
    const x = sf * vs[lo + i]!;
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

/** Range-vector functions by name. absent_over_time is handled by the evaluator, since it looks at all series. */
export const RANGE_FUNCTIONS: ReadonlyMap<string, RangeFunction> = new Map<string, RangeFunction>([
  ['rate', (w) => extrapolatedRate(w, true, true)],
  ['increase', (w) => extrapolatedRate(w, true, false)],
  ['delta', (w) => extrapolatedRate(w, false, false)],
  ['irate', (w) => instantValue(w, true)],
  ['idelta', (w) => instantValue(w, false)],
  ['deriv', (w) => (w.hi - w.lo < 2 ? undefined : linearRegression(w, w.ts[w.lo]!)[0])],
  ['predict_linear', (w) => {
    if (w.hi - w.lo < 2) return undefined;
    const [slope, intercept] = linearRegression(w, w.stepMs);
    return intercept + slope * w.params[0]!;
  }],
  ['resets', (w) => {
    let n = 0;
    for (let i = w.lo + 1; i < w.hi; i++) if (w.vs[i]! < w.vs[i - 1]!) n++;
    return n;
  }],
  ['changes', (w) => {
    let n = 0;
    for (let i = w.lo + 1; i < w.hi; i++) {
      const cur = w.vs[i]!, prev = w.vs[i - 1]!;
      if (!(cur === prev || (Number.isNaN(cur) && Number.isNaN(prev)))) n++;
    }
    return n;
  }],
  ['avg_over_time', avgOverTime],
  ['sum_over_time', (w) => { let s = 0; for (let i = w.lo; i < w.hi; i++) s += w.vs[i]!; return s; }],
  ['count_over_time', (w) => w.hi - w.lo],
  ['min_over_time', (w) => {
    let m = w.vs[w.lo]!;
    for (let i = w.lo + 1; i < w.hi; i++) { const v = w.vs[i]!; if (m > v || Number.isNaN(m)) m = v; }
    return m;
  }],
  ['max_over_time', (w) => {
    let m = w.vs[w.lo]!;
    for (let i = w.lo + 1; i < w.hi; i++) { const v = w.vs[i]!; if (m < v || Number.isNaN(m)) m = v; }
    return m;
  }],
  ['last_over_time', (w) => w.vs[w.hi - 1]!],
  ['present_over_time', () => 1],
  ['stdvar_over_time', variance],
  ['stddev_over_time', (w) => Math.sqrt(variance(w))],
  ['quantile_over_time', (w) => quantile(w.params[0]!, w.vs.slice(w.lo, w.hi))],
  ['holt_winters', holtWinters],
]);
