/** Go's fmt.Sprintf for the verbs templates use: %s %d %f %e %g %v %q %x %t %%, with flags, width and precision. */
import { formatFloat, formatGoFloat } from './gofmt.js';
import { goType, printValue } from './exec.js';

/** Go-style quoting of a string (strconv.Quote), close enough for ASCII and common escapes. */
export function goQuote(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function bad(verb: string, v: unknown): string {
  return `%!${verb}(${goType(v)}=${printValue(v)})`;
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (width <= s.length) return s;
  if (left) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    const body = sign ? s.slice(1) : s;
    return sign + '0'.repeat(width - s.length) + body;
  }
  return ' '.repeat(width - s.length) + s;
}

function signed(s: string, plus: boolean, space: boolean): string {
  if (s.startsWith('-') || s === 'NaN' || s.startsWith('+')) return s === '+Inf' && !plus ? (space ? ' Inf' : '+Inf') : s;
  return plus ? '+' + s : space ? ' ' + s : s;
}

/** Formats like Go's fmt.Sprintf. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const c = format[i]!;
    if (c !== '%') { out += c; i++; continue; }
    i++;
    let minus = false, plus = false, zero = false, space = false, sharp = false;
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') minus = true;
      else if (f === '+') plus = true;
      else if (f === '0') zero = true;
      else if (f === ' ') space = true;
      else if (f === '#') sharp = true;
      else break;
    }
    let width = 0;
    if (format[i] === '*') { width = Number(args[argi++]); i++; }
    else while (/[0-9]/.test(format[i] ?? '')) width = width * 10 + Number(format[i++]);
    let prec = -1;
    if (format[i] === '.') {
      i++; prec = 0;
      if (format[i] === '*') { prec = Number(args[argi++]); i++; }
      else while (/[0-9]/.test(format[i] ?? '')) prec = prec * 10 + Number(format[i++]);
    }
    const verb = format[i++];
    if (verb === undefined) { out += '%!(NOVERB)'; break; }
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    const v = args[argi++];
    let s: string;
    switch (verb) {
      case 'v':
        if (typeof v === 'number') s = signed(prec >= 0 ? formatFloat(v, 'g', prec) : formatGoFloat(v), plus, space);
        else if (typeof v === 'bigint') s = signed(v.toString(), plus, space);
        else s = sharp && typeof v === 'string' ? goQuote(v) : printValue(v);
        break;
      case 's':
        if (typeof v === 'string') s = prec >= 0 ? v.slice(0, prec) : v;
        else if (Array.isArray(v) || (typeof v === 'object' && v !== null)) s = printValue(v);
        else s = bad('s', v);
        break;
      case 'q':
        if (typeof v === 'string') s = sharp && !v.includes('`') ? '`' + v + '`' : goQuote(v);
        else if (typeof v === 'bigint') s = "'" + String.fromCodePoint(Number(v)) + "'";
        else s = bad('q', v);
        break;
      case 'd':
        if (typeof v === 'bigint') s = signed(v.toString(), plus, space);
        else s = bad('d', v);
        break;
      case 'x': case 'X':
        if (typeof v === 'bigint') s = (v < 0n ? '-' : '') + (sharp ? '0x' : '') + (v < 0n ? -v : v).toString(16);
        else if (typeof v === 'string') s = Buffer.from(v, 'utf8').toString('hex');
        else s = bad(verb, v);
        if (verb === 'X') s = s.toUpperCase();
        break;
      case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
        if (typeof v === 'number') {
          const fv = verb === 'F' ? 'f' : verb;
          const p = prec >= 0 ? prec : fv === 'g' || fv === 'G' ? -1 : 6;
          s = signed(formatFloat(v, fv, p), plus, space);
        } else s = bad(verb, v);
        break;
      case 't':
        s = typeof v === 'boolean' ? String(v) : bad('t', v);
        break;
      default:
        s = bad(verb, v);
    }
    const numeric = typeof v === 'number' || typeof v === 'bigint';
    out += pad(s, width, minus, zero && numeric && !minus && Number.isFinite(Number(v)));
  }
  if (argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => `${goType(a)}=${printValue(a)}`).join(', ') + ')';
  }
  return out;
}
