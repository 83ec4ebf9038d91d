/**
 * Float64 values as text, the way Prometheus reads and Go's client libraries write them.
 *
 * Reading follows Go's strconv.ParseFloat restricted as Prometheus's text parsers restrict it: decimal
 * notation only (no hex floats, no underscores), `Inf`/`Infinity` in any case with an optional sign, and
 * `NaN` in any case without a sign. Writing follows Go's `strconv.FormatFloat(v, 'g', -1, 64)`: the
 * shortest digits that round-trip, in fixed notation when the decimal exponent is in -4..5 and in
 * exponent form otherwise (`160`, `0.000124615`, `1.2027e-05`, `1e+06`, `1.194208e+06`).
 */

/** Exact powers of ten as float64; every one up to 1e22 is exactly representable. */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** Returned by `parseGoFloat` for text that is not a float; callers turn it into their own error. */
export const INVALID_FLOAT = Symbol('invalid float');

/** Returned by `parseGoFloat` for a decimal whose magnitude exceeds float64 (Go reports ErrRange). */
export const FLOAT_OUT_OF_RANGE = Symbol('float out of range');

/**
 * Parses `s[start, end)` as Prometheus parses a sample value. Returns the number, or one of the two
 * symbols above. Never throws and never allocates for the common short decimals.
 */
export function parseGoFloat(s: string, start: number, end: number): number | typeof INVALID_FLOAT | typeof FLOAT_OUT_OF_RANGE {
  if (start >= end) return INVALID_FLOAT;
  let i = start;
  let c = s.charCodeAt(i);
  let negative = false;
  if (c === 43 /* + */ || c === 45 /* - */) {
    negative = c === 45;
    i++;
    if (i >= end) return INVALID_FLOAT;
    c = s.charCodeAt(i);
  }
  if (c === 73 || c === 105 /* I i */) return parseInf(s, i, end, negative);
  if (c === 78 || c === 110 /* N n */) {
    // Go accepts NaN only without a sign.
    if (i !== start || end - i !== 3) return INVALID_FLOAT;
    const a = s.charCodeAt(i + 1) | 0x20, b = s.charCodeAt(i + 2) | 0x20;
    return a === 97 && b === 110 ? NaN : INVALID_FLOAT;
  }
  // Decimal: digits [. digits] [e [+-] digits], at least one mantissa digit.
  let mantissa = 0; // the first up to 15 significant digits as an exact integer
  let significant = 0; // significant digits seen (leading zeros excluded)
  let dropped = 0; // significant digits beyond the 15 kept, which the fast path cannot use
  let scale = 0; // power of ten applied to `mantissa`
  let digits = 0;
  for (; i < end; i++) {
    c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    digits++;
    if (significant === 0 && c === 48) continue;
    if (significant < 15) { mantissa = mantissa * 10 + (c - 48); significant++; } else { dropped++; scale++; }
  }
  if (i < end && c === 46 /* . */) {
    for (i++; i < end; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      digits++;
      if (significant === 0 && c === 48) { scale--; continue; }
      if (significant < 15) { mantissa = mantissa * 10 + (c - 48); significant++; scale--; } else dropped++;
    }
  }
  if (digits === 0) return INVALID_FLOAT;
  if (i < end && (c === 101 || c === 69) /* e E */) {
    i++;
    let expNegative = false;
    c = s.charCodeAt(i);
    if (c === 43 || c === 45) { expNegative = c === 45; i++; }
    const expStart = i;
    let exp = 0;
    for (; i < end; i++) {
      c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (exp < 100000) exp = exp * 10 + (c - 48);
    }
    if (i === expStart) return INVALID_FLOAT;
    scale += expNegative ? -exp : exp;
  }
  if (i !== end) return INVALID_FLOAT;
  let v: number;
  if (dropped === 0 && scale >= -22 && scale <= 22) {
    // Clinger's fast path: an integer below 2^53 times or divided by an exact power of ten is
    // correctly rounded, so this matches Go's ParseFloat bit for bit.
    v = scale < 0 ? mantissa / POW10[-scale]! : mantissa * POW10[scale]!;
  } else {
    // The syntax is already checked to be a plain decimal, which JavaScript's Number reads with the
    // same correct rounding as Go.
    v = Number(s.slice(start, end));
    if (v === Infinity || v === -Infinity) return FLOAT_OUT_OF_RANGE;
    return v;
  }
  return negative ? -v : v;
}

function parseInf(s: string, i: number, end: number, negative: boolean): number | typeof INVALID_FLOAT {
  const n = end - i;
  if (n !== 3 && n !== 8) return INVALID_FLOAT;
  const word = 'infinity';
  for (let k = 0; k < n; k++) if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return INVALID_FLOAT;
  return negative ? -Infinity : Infinity;
}

/**
 * Formats a float64 as Go's Prometheus clients do in the text format: `+Inf`, `-Inf`, `NaN`, otherwise
 * `strconv.FormatFloat(v, 'g', -1, 64)` (`0`, `160`, `0.000124615`, `1.2027e-05`, `1e+06`).
 */
export function formatGoFloat(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const abs = v < 0 ? -v : v;
  // In this range JavaScript prints the same shortest digits in the same fixed notation as Go.
  if (abs >= 1e-4 && abs < 1e6) return String(v);
  return exponentForm(v);
}

/** `d.ddde±XX` with at least two exponent digits, as Go prints it. */
function exponentForm(v: number): string {
  const js = v.toExponential(); // shortest round-trip digits, e.g. "1.194208e+6"
  const e = js.indexOf('e');
  const mantissa = js.slice(0, e);
  const sign = js.charCodeAt(e + 1) === 45 ? '-' : '+';
  const exp = js.slice(e + 2);
  return `${mantissa}e${sign}${exp.length < 2 ? '0' + exp : exp}`;
}
