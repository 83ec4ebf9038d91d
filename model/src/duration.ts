/**
 * Durations in Prometheus's notation (`1h30m`, `5m`, `90d`), as milliseconds.
 *
 * The rules follow Prometheus's `model.ParseDuration` and `model.Duration.String` so that a value read
 * from a user's prometheus.yml or rule file means the same here and prints the same way back.
 */

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60 * MS_PER_SECOND;
const MS_PER_HOUR = 60 * MS_PER_MINUTE;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const MS_PER_WEEK = 7 * MS_PER_DAY;
const MS_PER_YEAR = 365 * MS_PER_DAY;

/**
 * The largest duration Prometheus can hold: Go's time.Duration is int64 nanoseconds, about 292 years.
 * Durations beyond it are rejected rather than silently wrapped.
 */
export const MAX_DURATION_MS = Math.floor(9223372036854775807 / 1e6);

/** The units in the order Prometheus requires them, with their length in milliseconds. */
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', MS_PER_YEAR],
  ['w', MS_PER_WEEK],
  ['d', MS_PER_DAY],
  ['h', MS_PER_HOUR],
  ['m', MS_PER_MINUTE],
  ['s', MS_PER_SECOND],
  ['ms', 1],
];

/** Raised for a duration string that Prometheus would reject; the message names the input. */
export class DurationError extends Error {
  /** The text that failed to parse. */
  readonly input: string;

  constructor(input: string, reason: string) {
    super(`invalid duration ${JSON.stringify(input)}: ${reason}`);
    this.name = 'DurationError';
    this.input = input;
  }
}

/**
 * Parses a Prometheus duration (`1h30m`, `500ms`, `2w`, `0`) into milliseconds.
 * Units are y (365 days), w, d, h, m, s, ms; each at most once, from largest to smallest; `0` needs no unit.
 */
export function parseDuration(text: string): number {
  if (text === '0') return 0;
  if (text === '') throw new DurationError(text, 'empty duration string');
  let totalMs = 0;
  let nextUnit = 0; // index into UNITS of the smallest unit still allowed
  let i = 0;
  while (i < text.length) {
    const digitsStart = i;
    let n = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      i++;
    }
    if (i === digitsStart) throw new DurationError(text, `expected a number at offset ${i}`);
    const unitIndex = unitAt(text, i);
    if (unitIndex < 0) {
      throw new DurationError(text, `expected a unit (y, w, d, h, m, s, ms) at offset ${i}`);
    }
    if (unitIndex < nextUnit) {
      throw new DurationError(text, `unit "${UNITS[unitIndex]![0]}" out of order or repeated at offset ${i}`);
    }
    const [unit, unitMs] = UNITS[unitIndex]!;
    i += unit.length;
    nextUnit = unitIndex + 1;
    if (n > MAX_DURATION_MS / unitMs) throw new DurationError(text, 'duration out of range');
    totalMs += n * unitMs;
    if (totalMs > MAX_DURATION_MS) throw new DurationError(text, 'duration out of range');
  }
  return totalMs;
}

/** The index in UNITS of the unit that starts at `i`, or -1. `ms` is tried before `m`. */
function unitAt(text: string, i: number): number {
  switch (text.charCodeAt(i)) {
    case 121: return 0; // y
    case 119: return 1; // w
    case 100: return 2; // d
    case 104: return 3; // h
    case 109: return text.charCodeAt(i + 1) === 115 ? 6 : 4; // ms or m
    case 115: return 5; // s
    default: return -1;
  }
}

/**
 * Formats milliseconds as Prometheus prints a duration: `0s`, `1h30m`, `90d`, `1w`, `1y`, `1s500ms`.
 * Years and weeks are used only when they divide the duration exactly (Prometheus prints `90d`, not `12w6d`).
 */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) {
    throw new RangeError(`formatDuration expects a non-negative integer number of milliseconds, got ${ms}`);
  }
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (let u = 0; u < UNITS.length; u++) {
    const [unit, unitMs] = UNITS[u]!;
    // Years and weeks only when exact, as Prometheus does.
    if (u < 2 && rest % unitMs !== 0) continue;
    const n = Math.floor(rest / unitMs);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * unitMs;
    }
  }
  return out;
}
