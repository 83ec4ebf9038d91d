/** Prometheus durations (`1h30m`, `5m`, `90s`, `1d`, `1w`, `1y`, `500ms`), parsed to and printed from milliseconds. */

const UNITS: readonly [string, number][] = [
  ['y', 365 * 24 * 3600_000], ['w', 7 * 24 * 3600_000], ['d', 24 * 3600_000],
  ['h', 3600_000], ['m', 60_000], ['s', 1000], ['ms', 1],
];
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Parses a Prometheus duration to milliseconds; throws with Prometheus's message on bad input. */
export function parseDuration(s: string): number {
  if (s === '') throw new Error('empty duration string');
  if (s === '0') return 0;
  const m = DURATION_RE.exec(s);
  if (!m) throw new Error(`not a valid duration string: ${JSON.stringify(s)}`);
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const g = m[i + 1];
    if (g !== undefined) ms += Number(g) * UNITS[i]![1];
  }
  if (!Number.isSafeInteger(ms)) throw new Error(`duration out of range: ${JSON.stringify(s)}`);
  return ms;
}

/** Prints milliseconds as Prometheus does (`1h30m`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let r = ms;
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(r / size);
    if (n > 0) { out += `${n}${unit}`; r -= n * size; }
  }
  return out;
}
