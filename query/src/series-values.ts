/**
 * The expanding value notation of Prometheus's test language: `1+2x3` is 1 3 5 7, `5-1x2` is 5 4 3,
 * `7x2` is 7 7 7, `_` is a missing sample, `_x3` three of them, `stale` a staleness marker.
 */
import { Labels, LabelsBuilder, METRIC_NAME, STALE_NAN } from '@hlmon/model';

/** One expanded value: a number (possibly STALE_NAN), or undefined for a missing sample. */
export type SeriesValue = number | undefined;

/** Raised for malformed series notation; names the offending item. */
export class SeriesValuesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeriesValuesError';
  }
}

const NUM = String.raw`[-+]?(?:Inf|inf|NaN|nan|(?:0x[0-9a-fA-F]+)|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)`;
const EXPANDING = new RegExp(`^(${NUM})(?:([-+])(${NUM}))?x(\\d+)$`);
const SINGLE = new RegExp(`^${NUM}$`);

/** Parses a Prometheus float literal as the test language writes it (Inf, NaN, hex, exponent). */
export function parseNumber(s: string): number {
  const m = /^([-+]?)(.*)$/.exec(s)!;
  const sign = m[1] === '-' ? -1 : 1;
  const body = m[2]!.toLowerCase();
  if (body === 'inf') return sign * Infinity;
  if (body === 'nan') return NaN;
  if (body.startsWith('0x')) return sign * parseInt(body.slice(2), 16);
  const v = Number(body);
  if (body === '' || Number.isNaN(v)) throw new SeriesValuesError(`invalid number ${JSON.stringify(s)}`);
  return sign * v;
}

/** Expands a whitespace-separated value list into one entry per step. */
export function parseSeriesValues(text: string): SeriesValue[] {
  const out: SeriesValue[] = [];
  for (const item of text.trim().split(/\s+/)) {
    if (item === '') continue;
    if (item === '_') { out.push(undefined); continue; }
    if (item === 'stale') { out.push(STALE_NAN); continue; }
    const blank = /^_x(\d+)$/.exec(item);
    if (blank) { for (let i = 0; i < Number(blank[1]); i++) out.push(undefined); continue; }
    const exp = EXPANDING.exec(item);
    if (exp) {
      const start = parseNumber(exp[1]!);
      const delta = exp[3] === undefined ? 0 : parseNumber(exp[3]) * (exp[2] === '-' ? -1 : 1);
      const times = Number(exp[4]);
      // Prometheus adds the delta repeatedly rather than multiplying, which matters for float rounding.
      let v = start;
      out.push(v);
      for (let i = 0; i < times; i++) { v += delta; out.push(v); }
      continue;
    }
    if (SINGLE.test(item)) { out.push(parseNumber(item)); continue; }
    throw new SeriesValuesError(`invalid series value ${JSON.stringify(item)} in ${JSON.stringify(text)}`);
  }
  return out;
}

/** Parses a series description such as `http_requests{job="api", path="/"}` into labels. */
export function parseSeriesDesc(text: string): Labels {
  const s = text.trim();
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(\{(.*)\})?$/s.exec(s);
  if (!m || (m[1] === undefined && m[2] === undefined)) throw new SeriesValuesError(`invalid series description ${JSON.stringify(text)}`);
  const b = new LabelsBuilder();
  if (m[1] !== undefined) b.set(METRIC_NAME, m[1]);
  const body = m[3] ?? '';
  const pair = /\s*([a-zA-Z_][a-zA-Z0-9_]*|"(?:[^"\\]|\\.)*")\s*=\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\s*(,|$)/sy;
  let i = 0;
  while (i < body.length && body.slice(i).trim() !== '') {
    pair.lastIndex = i;
    const p = pair.exec(body);
    if (!p) throw new SeriesValuesError(`invalid label at offset ${i} in ${JSON.stringify(text)}`);
    const name = p[1]!.startsWith('"') ? (JSON.parse(p[1]!) as string) : p[1]!;
    b.set(name, unquote(p[2]!));
    i = pair.lastIndex;
  }
  return b.labels();
}

/** Parses one `load` line: a series description followed by its values. */
export function parseSeriesLine(line: string): { labels: Labels; values: SeriesValue[] } {
  // The description ends at the closing brace, or at the first space when there are no braces.
  const brace = line.indexOf('{');
  let end: number;
  if (brace >= 0 && brace < (line.search(/\s/) === -1 ? Infinity : line.search(/\s/))) end = closingBrace(line, brace) + 1;
  else end = line.search(/\s|$/);
  return { labels: parseSeriesDesc(line.slice(0, end)), values: parseSeriesValues(line.slice(end)) };
}

function closingBrace(line: string, open: number): number {
  let inStr: string | undefined;
  for (let i = open + 1; i < line.length; i++) {
    const c = line[i]!;
    if (inStr) { if (c === '\\') i++; else if (c === inStr) inStr = undefined; }
    else if (c === '"' || c === "'") inStr = c;
    else if (c === '}') return i;
  }
  throw new SeriesValuesError(`unclosed '{' in ${JSON.stringify(line)}`);
}

/** Unquotes a PromQL string literal in double, single or back quotes, with Go escapes; rejects unknown escapes as Prometheus does. */
export function unquote(q: string): string {
  const quote = q[0]!;
  const body = q.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.?)/gs, (_, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'a': return '\x07';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'v': return '\v';
      case '\\': return '\\';
      case 'x': return String.fromCharCode(parseInt(e.slice(1), 16));
      case 'u': case 'U': return String.fromCodePoint(parseInt(e.slice(1), 16));
      default:
        if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
        if (e === quote) return e;
        if (e === '') throw new SeriesValuesError('escape sequence not terminated');
        // Go's %#U notation, as in Prometheus's lexer.
        throw new SeriesValuesError(`unknown escape sequence U+${e.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${e}'`);
    }
  });
}
