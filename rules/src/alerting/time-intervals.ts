/**
 * Alertmanager's time intervals (maintenance windows): times of day, weekdays, days of month, months and
 * years, evaluated in a time zone. A route muted by an active interval sends nothing while it lasts.
 */

/** An inclusive integer range. */
export interface IntRange {
  readonly start: number;
  readonly end: number;
}

/** One time interval; an empty list means "any". Times are minutes of the day, end exclusive. */
export interface TimeInterval {
  readonly times: readonly IntRange[];
  readonly weekdays: readonly IntRange[]; // 0 = Sunday
  readonly daysOfMonth: readonly IntRange[]; // negative counts from the end of the month
  readonly months: readonly IntRange[]; // 1..12
  readonly years: readonly IntRange[];
  readonly location: string; // IANA zone, 'UTC' by default
}

/** Raised for an invalid interval definition; the message names the field and value. */
export class TimeIntervalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TimeIntervalError';
  }
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function parseRanges(items: unknown, field: string, parseOne: (s: string) => number, check: (r: IntRange) => void): IntRange[] {
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw new TimeIntervalError(`${field} must be a list`);
  return items.map((raw) => {
    const s = String(raw).trim().toLowerCase();
    const i = s.indexOf(':', s.startsWith('-') ? 1 : 0);
    const r = i > 0 ? { start: parseOne(s.slice(0, i)), end: parseOne(s.slice(i + 1)) } : { start: parseOne(s), end: parseOne(s) };
    check(r);
    return r;
  });
}

function parseClock(s: string, field: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) throw new TimeIntervalError(`${field}: invalid time ${JSON.stringify(s)}, want HH:MM`);
  const v = Number(m[1]) * 60 + Number(m[2]);
  if (Number(m[2]) > 59 || v > 24 * 60) throw new TimeIntervalError(`${field}: time out of range: ${s}`);
  return v;
}

/** Parses one entry of Alertmanager's `time_intervals` list (snake_case keys, as in alertmanager.yml). */
export function parseTimeInterval(raw: Record<string, unknown>, where = 'time_interval'): TimeInterval {
  const known = new Set(['times', 'weekdays', 'days_of_month', 'months', 'years', 'location']);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new TimeIntervalError(`${where}: unknown field ${k}`);
  const times: IntRange[] = [];
  if (raw['times'] !== undefined) {
    if (!Array.isArray(raw['times'])) throw new TimeIntervalError(`${where}.times must be a list`);
    for (const t of raw['times'] as Record<string, unknown>[]) {
      const start = parseClock(String(t['start_time']), `${where}.times.start_time`);
      const end = parseClock(String(t['end_time']), `${where}.times.end_time`);
      if (end <= start) throw new TimeIntervalError(`${where}.times: end_time must be after start_time`);
      times.push({ start, end });
    }
  }
  const named = (names: string[], field: string, base: number) => (s: string) => {
    const i = names.indexOf(s);
    if (i >= 0) return i + base;
    if (/^\d+$/.test(s) && base === 1) return Number(s);
    throw new TimeIntervalError(`${where}.${field}: unknown value ${JSON.stringify(s)}`);
  };
  const weekdays = parseRanges(raw['weekdays'], `${where}.weekdays`, named(WEEKDAYS, 'weekdays', 0), (r) => {
    // Weeks start on Sunday, as in Alertmanager, so `saturday:sunday` is an error: list the days instead.
    if (r.start > r.end) throw new TimeIntervalError(`${where}.weekdays: start day ${WEEKDAYS[r.start]} is after end day ${WEEKDAYS[r.end]}`);
  });
  const months = parseRanges(raw['months'], `${where}.months`, named(MONTHS, 'months', 1), (r) => {
    if (r.start < 1 || r.end > 12 || r.start > r.end) throw new TimeIntervalError(`${where}.months: invalid range ${r.start}:${r.end}`);
  });
  const num = (field: string) => (s: string) => {
    if (!/^-?\d+$/.test(s)) throw new TimeIntervalError(`${where}.${field}: invalid number ${JSON.stringify(s)}`);
    return Number(s);
  };
  const daysOfMonth = parseRanges(raw['days_of_month'], `${where}.days_of_month`, num('days_of_month'), (r) => {
    if (r.start === 0 || r.end === 0 || Math.abs(r.start) > 31 || Math.abs(r.end) > 31) throw new TimeIntervalError(`${where}.days_of_month: out of range ${r.start}:${r.end}`);
  });
  const years = parseRanges(raw['years'], `${where}.years`, num('years'), (r) => {
    if (r.start > r.end) throw new TimeIntervalError(`${where}.years: invalid range ${r.start}:${r.end}`);
  });
  const location = raw['location'] === undefined ? 'UTC' : String(raw['location']);
  try { new Intl.DateTimeFormat('en-US', { timeZone: location === 'Local' ? undefined : location }); }
  catch (cause) { throw new TimeIntervalError(`${where}.location: unknown time zone ${JSON.stringify(location)}`, { cause }); }
  return { times, weekdays, daysOfMonth, months, years, location };
}

interface LocalTime { year: number; month: number; day: number; weekday: number; minute: number; daysInMonth: number }

function localTime(ms: number, zone: string): LocalTime {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone === 'Local' ? undefined : zone, hourCycle: 'h23',
    year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'long', hour: 'numeric', minute: 'numeric',
  });
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const year = Number(parts['year']), month = Number(parts['month']);
  return {
    year, month, day: Number(parts['day']), weekday: WEEKDAYS.indexOf(parts['weekday']!.toLowerCase()),
    minute: Number(parts['hour']) * 60 + Number(parts['minute']),
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

const inAny = (ranges: readonly IntRange[], v: number) => ranges.length === 0 || ranges.some((r) => v >= r.start && v <= r.end);

/** True when `ms` falls inside the interval. */
export function intervalContains(ti: TimeInterval, ms: number): boolean {
  const t = localTime(ms, ti.location);
  if (ti.times.length > 0 && !ti.times.some((r) => t.minute >= r.start && t.minute < r.end)) return false;
  if (!inAny(ti.weekdays, t.weekday)) return false;
  if (!inAny(ti.months, t.month)) return false;
  if (!inAny(ti.years, t.year)) return false;
  if (ti.daysOfMonth.length > 0) {
    const ok = ti.daysOfMonth.some((r) => {
      const s = r.start < 0 ? t.daysInMonth + r.start + 1 : r.start;
      const e = r.end < 0 ? t.daysInMonth + r.end + 1 : r.end;
      return t.day >= s && t.day <= Math.min(e, t.daysInMonth);
    });
    if (!ok) return false;
  }
  return true;
}

/** Named groups of intervals (`time_intervals:` in the config). */
export class TimeIntervals {
  constructor(private readonly byName: ReadonlyMap<string, readonly TimeInterval[]>) {}

  /** True when a name is defined. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** True when any interval of the named group contains `ms`. */
  active(name: string, ms: number): boolean {
    return (this.byName.get(name) ?? []).some((ti) => intervalContains(ti, ms));
  }
}
