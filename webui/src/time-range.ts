/**
 * Time ranges as the URL holds them, so a view can be shared: `?range=6h` (ending now, moving with live
 * updates) or `?from=<ms>&to=<ms>` (fixed, e.g. after zooming).
 */

/** The preset ranges, shortest first. */
export const PRESETS: readonly { readonly key: string; readonly label: string; readonly ms: number }[] = [
  { key: '15m', label: '15 minutes', ms: 15 * 60_000 },
  { key: '1h', label: '1 hour', ms: 3_600_000 },
  { key: '6h', label: '6 hours', ms: 6 * 3_600_000 },
  { key: '24h', label: '24 hours', ms: 86_400_000 },
  { key: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: '30 days', ms: 30 * 86_400_000 },
  { key: '1y', label: '1 year', ms: 365 * 86_400_000 },
];

/** A range: relative (preset key) or absolute. */
export type TimeRange = { readonly kind: 'relative'; readonly key: string; readonly ms: number } | { readonly kind: 'absolute'; readonly fromMs: number; readonly toMs: number };

/** Reads the range from URL search params; falls back to `fallback` on anything invalid. */
export function rangeFromSearch(search: string, fallback = '1h'): TimeRange {
  const p = new URLSearchParams(search);
  const from = Number(p.get('from'));
  const to = Number(p.get('to'));
  if (p.has('from') && p.has('to') && Number.isFinite(from) && Number.isFinite(to) && to > from) return { kind: 'absolute', fromMs: from, toMs: to };
  const preset = PRESETS.find((x) => x.key === p.get('range')) ?? PRESETS.find((x) => x.key === fallback)!;
  return { kind: 'relative', key: preset.key, ms: preset.ms };
}

/** Writes the range into URL search params (keeping other params). */
export function rangeToSearch(range: TimeRange, search: string): string {
  const p = new URLSearchParams(search);
  p.delete('range'); p.delete('from'); p.delete('to');
  if (range.kind === 'relative') p.set('range', range.key);
  else { p.set('from', String(Math.round(range.fromMs))); p.set('to', String(Math.round(range.toMs))); }
  return '?' + p.toString();
}

/** The concrete [start, end] of a range at a time. */
export function resolveRange(range: TimeRange, nowMs: number): { startMs: number; endMs: number } {
  return range.kind === 'relative' ? { startMs: nowMs - range.ms, endMs: nowMs } : { startMs: range.fromMs, endMs: range.toMs };
}

/**
 * The query step for a chart `widthPx` wide: about one point per horizontal pixel, never finer than the
 * scrape interval (there is nothing between scrapes) and never more than Prometheus's 11,000 points.
 */
export function stepSecondsFor(startMs: number, endMs: number, widthPx: number, minStepSeconds = 15): number {
  const span = Math.max(1, (endMs - startMs) / 1000);
  const perPixel = span / Math.max(50, widthPx);
  return Math.max(minStepSeconds, Math.ceil(perPixel), Math.ceil(span / 11_000));
}
