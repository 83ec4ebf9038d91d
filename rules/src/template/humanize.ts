/**
 * Prometheus's humanize* template functions (template/template.go), with Go's `%.4g` formatting so the
 * output matches character for character.
 */
import { formatFloat } from './gofmt.js';

const g4 = (v: number): string => formatFloat(v, 'g', 4);

/** Go's strconv.ParseFloat for the strings Prometheus hands to template functions. */
export function parseGoFloat(s: string): number {
  const t = s.trim() === s ? s : '';
  const lower = t.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
  if (lower === 'nan') return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return (t.startsWith('-') ? -1 : 1) * parseInt(t.replace(/^[+-]?0[xX]/, ''), 16);
  throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
}

/** Converts a template argument to float64 as Prometheus's convertToFloat does. */
export function toFloat(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return parseGoFloat(v);
  throw new Error(`can't convert ${v === null ? '<nil>' : typeof v} to float`);
}

/** `humanize`: SI prefixes, 4 significant digits. */
export function humanize(input: unknown): string {
  let v = toFloat(input);
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

/** `humanize1024`: binary prefixes (ki, Mi, ...). */
export function humanize1024(input: unknown): string {
  let v = toFloat(input);
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

/** `humanizeDuration`: seconds as `1d 2h 3m 4s`, or with SI prefixes below one second. */
export function humanizeDuration(input: unknown): string {
  let v = toFloat(input);
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v) + 's';
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) { sign = '-'; v = -v; }
    const duration = Math.trunc(v);
    const seconds = duration % 60;
    const minutes = Math.trunc(duration / 60) % 60;
    const hours = Math.trunc(duration / 3600) % 24;
    const days = Math.trunc(duration / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

/** `humanizePercentage`: a ratio as a percentage with 4 significant digits. */
export function humanizePercentage(input: unknown): string {
  return g4(toFloat(input) * 100) + '%';
}

/** Go's time.Time String() in UTC: `2006-01-02 15:04:05.999999999 +0000 UTC`. */
export function goTimeString(unixSeconds: number): string {
  const nanos = BigInt(Math.trunc(unixSeconds * 1e9));
  const ms = Number(nanos / 1_000_000n) - (nanos < 0n && nanos % 1_000_000n !== 0n ? 1 : 0);
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, '0');
  let frac = ((nanos % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n;
  let fs = '';
  if (frac !== 0n) fs = '.' + frac.toString().padStart(9, '0').replace(/0+$/, '');
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}${fs} +0000 UTC`;
}

/** `humanizeTimestamp`: Unix seconds as Go prints a UTC time. */
export function humanizeTimestamp(input: unknown): string {
  const v = toFloat(input);
  if (!Number.isFinite(v)) return g4(v);
  // Prometheus goes through model.TimeFromUnixNano, which keeps whole milliseconds (truncating toward zero).
  const ms = Number(BigInt(Math.trunc(v * 1e9)) / 1_000_000n);
  return goTimeString(ms / 1000);
}
