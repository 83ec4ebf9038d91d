/**
 * Prometheus duration strings (`1h30m`, `15s`, `500ms`). The model package is getting its own
 * `parseDuration`; this one stays private to the config loader so that config errors can say precisely
 * what is wrong with a value.
 */

const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

// Units must appear in this order, each at most once, as in Prometheus's model.ParseDuration.
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];

/** Parses a Prometheus duration into milliseconds; throws an Error explaining the problem. */
export function parseDurationMs(text: string): number {
  if (text === '0') return 0;
  const m = DURATION_RE.exec(text);
  if (text === '' || !m) throw new Error(`not a valid duration string: "${text}" (use e.g. 30s, 1m30s, 500ms)`);
  let ms = 0;
  for (let i = 0; i < ORDER.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * UNIT_MS[ORDER[i]!]!;
  }
  if (!Number.isSafeInteger(ms)) throw new Error(`duration out of range: "${text}"`);
  return ms;
}

/** Formats milliseconds the way Prometheus prints durations (`1m30s`, `500ms`, `0s`). */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ORDER) {
    const size = UNIT_MS[unit]!;
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

/** Parses a byte size such as `10MB`, `512KiB` or `0` (unlimited) into bytes. */
export function parseBytes(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$/.exec(text.trim());
  if (!m) throw new Error(`not a valid byte size: "${text}" (use e.g. 0, 512KB, 10MB)`);
  // Prometheus (units.Base2Bytes) treats KB and KiB alike as powers of two.
  const mult: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
  return Math.round(Number(m[1]) * mult[m[2] ?? 'B']!);
}
