/**
 * Parsing of the Prometheus HTTP API's parameters, with Prometheus's error texts, so clients that match on
 * them (Grafana does) behave the same.
 */

/** A parameter error, answered as `bad_data` with status 400. */
export class BadDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadDataError';
  }
}

// "No bound" for series and label queries: the widest whole-millisecond range a JavaScript Date holds,
// which a bigint column accepts (Prometheus's own MinTime/MaxTime strings are accepted as these too).
const MIN_TIME_MS = -8.64e15;
const MAX_TIME_MS = 8.64e15;

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86400000, 7 * 86400000, 86400000, 3600000, 60000, 1000, 1];

/** Parses a Prometheus duration (`5m`, `1h30m`) to ms; undefined when it is not one. */
export function parsePromDuration(s: string): number | undefined {
  if (s === '' ) return undefined;
  if (s === '0') return 0;
  const m = DURATION_RE.exec(s);
  if (!m || m[0] === '') return undefined;
  let ms = 0;
  for (let i = 0; i < UNIT_MS.length; i++) if (m[i + 1] !== undefined) ms += Number(m[i + 1]) * UNIT_MS[i]!;
  return ms;
}

/** Parses a time parameter (unix seconds with fraction, or RFC 3339) to ms. */
export function parseTime(s: string, name: string): number {
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const seconds = Number(s);
    // Rounded to the millisecond as Prometheus does (it keeps ms precision).
    return Math.round(seconds * 1000);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  if (s === '0001-01-01T00:00:00Z' || s === '-292273086-05-16T16:47:06Z') return MIN_TIME_MS;
  if (s === '292277025-08-17T07:12:55.807Z') return MAX_TIME_MS;
  throw new BadDataError(`invalid parameter "${name}": cannot parse "${s}" to a valid timestamp`);
}

/** Parses a duration parameter (float seconds or a Prometheus duration) to ms. */
export function parseDurationParam(s: string, name: string): number {
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const seconds = Number(s);
    if (!Number.isFinite(seconds) || seconds * 1000 > Number.MAX_SAFE_INTEGER) {
      throw new BadDataError(`invalid parameter "${name}": cannot parse "${s}" to a valid duration. It overflows int64`);
    }
    return Math.round(seconds * 1000);
  }
  const ms = parsePromDuration(s);
  if (ms === undefined) throw new BadDataError(`invalid parameter "${name}": cannot parse "${s}" to a valid duration`);
  return ms;
}

/** Formats ms as the JSON number of seconds Prometheus writes (e.g. 1700000000.123). */
export function formatTimeSeconds(ms: number): number {
  return ms / 1000;
}

/** The bounds for series/labels queries: no parameter means all time. */
export function parseRange(start: string | undefined, end: string | undefined): { start: number; end: number } {
  return {
    start: start === undefined || start === '' ? MIN_TIME_MS : parseTime(start, 'start'),
    end: end === undefined || end === '' ? MAX_TIME_MS : parseTime(end, 'end'),
  };
}
