/**
 * Number formatting as Prometheus does it. Two formats exist: the HTTP API's JSON writes values with Go's
 * strconv 'f' format except below 1e-6 and from 1e21 on, where it switches to 'e' (so 1e21 is "1e+21" and
 * 1e-7 is "1e-07"); count_values writes label values with the plain 'f' format (1e21 is
 * "1000000000000000000000").
 */
import type { Labels } from '@hlmon/model';

/** Formats a sample value as Prometheus's HTTP API JSON does. */
export function formatPromValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return formatGoFloatE(v);
  return formatGoFloatF(v);
}

/** Go's strconv.FormatFloat(v, 'e', -1, 64): shortest digits, exponent with a sign and at least two digits. */
export function formatGoFloatE(v: number): string {
  const m = /^(-?[\d.]+)e([-+])(\d+)$/.exec(v.toExponential())!;
  return `${m[1]}e${m[2]}${m[3]!.padStart(2, '0')}`;
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest round-trip decimal, never in exponent notation. */
export function formatGoFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([-+]\d+)$/.exec(s);
  if (!m) return s;
  // JavaScript's shortest round-trip digits, moved out of exponent form.
  const sign = m[1]!, digits = m[2]! + (m[3] ?? ''), exp = Number(m[4]) - (m[3]?.length ?? 0);
  if (exp >= 0) return sign + digits + '0'.repeat(exp);
  const point = digits.length + exp;
  if (point > 0) return sign + digits.slice(0, point) + '.' + digits.slice(point);
  return sign + '0.' + '0'.repeat(-point) + digits;
}

/** A sample pair as Prometheus's JSON API writes it: [unix seconds, "value"]. */
export type PromJsonPoint = [number, string];

/** The `data` member of Prometheus's query API response. */
export type PromJsonData =
  | { resultType: 'vector'; result: { metric: Record<string, string>; value: PromJsonPoint }[] }
  | { resultType: 'matrix'; result: { metric: Record<string, string>; values: PromJsonPoint[] }[] }
  | { resultType: 'scalar' | 'string'; result: PromJsonPoint };

type ResultLike =
  | { resultType: 'vector'; result: readonly { labels: Labels; t: number; v: number }[] }
  | { resultType: 'matrix'; result: readonly { labels: Labels; samples: readonly { t: number; v: number }[] }[] }
  | { resultType: 'scalar'; result: { t: number; v: number } }
  | { resultType: 'string'; result: { t: number; v: string } };

/** Converts a QueryResult to the `data` member of Prometheus's /api/v1/query(_range) JSON. */
export function toPrometheusJson(r: ResultLike): PromJsonData {
  const point = (t: number, v: number): PromJsonPoint => [t / 1000, formatPromValue(v)];
  switch (r.resultType) {
    case 'vector': return { resultType: 'vector', result: r.result.map((s) => ({ metric: s.labels.toObject(), value: point(s.t, s.v) })) };
    case 'matrix': return { resultType: 'matrix', result: r.result.map((s) => ({ metric: s.labels.toObject(), values: s.samples.map((p) => point(p.t, p.v)) })) };
    case 'scalar': return { resultType: 'scalar', result: point(r.result.t, r.result.v) };
    case 'string': return { resultType: 'string', result: [r.result.t / 1000, r.result.v] };
  }
}
