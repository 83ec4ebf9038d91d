/**
 * Go's number formatting (strconv.FormatFloat and the fmt verbs), so that rendered templates print numbers
 * exactly as Prometheus does: `{{ $value }}` of 1727700 is `1.7277e+06`, `%.4g` rounds half to even on the
 * exact binary value, and exponents have at least two digits.
 */

/** Exact decimal digits of a finite, non-negative double: `digits` without leading zeros, `dp` the decimal point position. */
interface Decimal {
  digits: string;
  dp: number;
}

const twoPow52 = 2 ** 52;

/** The exact decimal expansion of |v| (v finite), computed with BigInt so rounding can be Go's round-half-even. */
function exactDecimal(v: number): Decimal {
  v = Math.abs(v);
  if (v === 0) return { digits: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let exp: number;
  if (expBits === 0) exp = -1074;
  else { mant |= 1n << 52n; exp = expBits - 1075; }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return trimZeros({ digits, dp });
}

function trimZeros(d: Decimal): Decimal {
  let s = d.digits.replace(/0+$/, '');
  let dp = d.dp;
  const lead = s.match(/^0*/)![0].length;
  if (lead > 0) { s = s.slice(lead); dp -= lead; }
  return { digits: s, dp };
}

/** Rounds to `nd` significant digits, half to even, as strconv's decimal.Round does. */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0) return { digits: '', dp: 0 };
  if (nd >= d.digits.length) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < d.digits.length) up = true; // more than half
  else up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1; // exactly half: round to even
  if (!up) return trimZeros({ digits: d.digits.slice(0, nd), dp: d.dp });
  const arr = d.digits.slice(0, nd).split('').map(Number);
  let i = nd - 1;
  while (i >= 0 && arr[i] === 9) { arr[i] = 0; i--; }
  if (i < 0) return { digits: '1', dp: d.dp + 1 };
  arr[i]! += 1;
  return trimZeros({ digits: arr.slice(0, i + 1).join(''), dp: d.dp });
}

/** Shortest digits that round-trip, which JavaScript and Go agree on. */
function shortestDecimal(v: number): Decimal {
  if (v === 0) return { digits: '', dp: 0 };
  const [mant, e] = Math.abs(v).toExponential().split('e');
  const digits = mant!.replace('.', '');
  return trimZeros({ digits, dp: Number(e) + 1 });
}

function digitAt(d: Decimal, i: number): string {
  return i < d.digits.length ? d.digits[i]! : '0';
}

function fmtE(neg: boolean, d: Decimal, prec: number, upper: boolean): string {
  let s = neg ? '-' : '';
  s += d.digits.length === 0 ? '0' : d.digits[0];
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const exp = d.digits.length === 0 ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  s += (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (abs < 10 ? '0' : '') + abs;
  return s;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) s += digitAt(d, i);
  } else s += '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      s += j < 0 ? '0' : digitAt(d, j);
    }
  }
  return s;
}

/**
 * strconv.FormatFloat(v, fmt, prec, 64) for fmt in 'e', 'E', 'f', 'g', 'G'; `prec` -1 means the shortest
 * representation that round-trips.
 */
export function formatFloat(v: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(v);
    switch (fmt) {
      case 'e': case 'E': prec = Math.max(d.digits.length - 1, 0); break;
      case 'f': prec = Math.max(d.digits.length - d.dp, 0); break;
      default: prec = d.digits.length;
    }
  } else {
    const exact = exactDecimal(v);
    switch (fmt) {
      case 'e': case 'E': d = roundDecimal(exact, prec + 1); break;
      case 'f': d = roundDecimal(exact, exact.dp + prec); break;
      default: {
        if (prec === 0) prec = 1;
        d = roundDecimal(exact, prec);
      }
    }
  }
  switch (fmt) {
    case 'e': case 'E': return fmtE(neg, d, prec, fmt === 'E');
    case 'f': return fmtF(neg, d, prec);
    default: {
      let eprec = prec;
      const nd = d.digits.length;
      if (eprec > nd && nd >= d.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = d.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > nd) prec = nd;
        return fmtE(neg, d, Math.max(prec - 1, 0), fmt === 'G');
      }
      if (prec > d.dp) prec = nd;
      return fmtF(neg, d, Math.max(prec - d.dp, 0));
    }
  }
}

/** Go's `%v` / fmt.Sprint of a float64. */
export function formatGoFloat(v: number): string {
  return formatFloat(v, 'g', -1);
}
