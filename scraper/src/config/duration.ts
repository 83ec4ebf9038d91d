/**
 * Sizes and durations in config values. Durations are the model package's (Prometheus's syntax); byte
 * sizes follow Prometheus's `body_size_limit` (units.Base2Bytes).
 */
export { parseDuration as parseDurationMs, formatDuration as formatDurationMs } from '@hlmon/model';

/** Parses a byte size such as `10MB`, `512KiB` or `0` (unlimited) into bytes. */
export function parseBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/.exec(text.trim());
  if (!m) throw new Error(`not a valid byte size: "${text}" (use e.g. 0, 512KB, 10MB)`);
  // Prometheus (units.Base2Bytes) treats KB and KiB alike as powers of two.
  const mult: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
  return Math.round(Number(m[1]) * mult[m[2] ?? 'B']!);
}
