/**
 * Number formatting as Prometheus's JSON API does it: Go's strconv.FormatFloat(v, 'f', -1, 64), the shortest
 * decimal that reads back to the same float, never in exponent notation. So 1e21 is
 * "1000000000000000000000" and 1e-7 is "0.0000001".
 */

/** Formats a sample value as Prometheus's HTTP API and count_values do. */
export function formatPromValue(v: number): string {
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
