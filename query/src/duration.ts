/** Prometheus durations (`1h30m`, `5m`, `1y`): units ms, s, m, h, d, w, y, largest first, each at most once. */

const UNITS: readonly [string, number][] = [['y', 365 * 86400000], ['w', 7 * 86400000], ['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000], ['ms', 1]];
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Parses a Prometheus duration into milliseconds; throws an Error naming the text when invalid. */
export function parseDurationMs(text: string): number {
  const m = DURATION_RE.exec(text);
  if (text === '' || text === '0' ) {
    if (text === '0') return 0;
    throw new Error('empty duration string');
  }
  if (!m) throw new Error(`not a valid duration string: ${JSON.stringify(text)}`);
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNITS[i]![1];
  return ms;
}
