/** Formatting of numbers for people: units, durations, relative times. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB". */
export function formatBytes(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1024 && i < BYTE_UNITS.length - 1) { x /= 1024; i++; }
  return `${v < 0 ? '-' : ''}${x.toFixed(i === 0 ? 0 : digits)} ${BYTE_UNITS[i]}`;
}

/** Bytes per second with a /s suffix. */
export function formatRate(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : formatBytes(v) + '/s';
}

/** 42.123 → "42.1 %". */
export function formatPercent(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(digits)} %`;
}

/** Seconds as "3d 4h", "5h 2m", "42s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.abs(seconds);
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** A past time as "5m ago". */
export function formatAgo(ms: number | null | undefined, nowMs = Date.now()): string {
  if (ms === null || ms === undefined) return 'never';
  return `${formatDuration(Math.max(0, (nowMs - ms) / 1000))} ago`;
}

/** A plain number with sensible digits. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 1e6)) return v.toExponential(2);
  return String(Math.round(v * 100) / 100);
}

/** Units a chart may show. */
export type Unit = 'percent' | 'bytes' | 'bytesPerSecond' | 'seconds' | 'celsius' | 'number';

/** Formats a value in a unit. */
export function formatUnit(v: number | null | undefined, unit: Unit): string {
  switch (unit) {
    case 'percent': return formatPercent(v);
    case 'bytes': return formatBytes(v);
    case 'bytesPerSecond': return formatRate(v);
    case 'seconds': return formatDuration(v);
    case 'celsius': return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(1)} °C`;
    default: return formatNumber(v);
  }
}

/**
 * A chart axis label. Durations are in milliseconds whatever their size ("0 ms", "250 ms", "1,500 ms"): the
 * ticks of one axis then share a unit and never round to the same text, as "1s" and "2s" for 1.2 s and 1.5 s
 * would.
 */
export function formatAxis(v: number | null | undefined, unit: Unit): string {
  if (unit !== 'seconds') return formatUnit(v, unit);
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const ms = v * 1000;
  return `${ms.toLocaleString('en-US', { maximumFractionDigits: Math.abs(ms) < 10 && ms !== 0 ? 1 : 0 })} ms`;
}

/** A PromQL string literal for a label value. */
export function promString(v: string): string {
  return JSON.stringify(v);
}
