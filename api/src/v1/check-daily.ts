/**
 * Daily up/total counts per check, so uptime over 30 d, 365 d and the status pages' 90 daily bars read a
 * few hundred rows plus at most a day or two of raw samples, instead of every `probe_success` sample of
 * the window (about a million per check and year at 30 s).
 *
 * A day is the span (start, start + 24 h] in UTC, left-open like a PromQL range selector, so a window
 * (now - w, now] splits exactly into a raw head (now - w, first midnight], whole days, and a raw tail
 * (last summarised midnight, now]. A day is summarised once it ended SETTLE_MS ago (late samples, such as
 * a spool replayed after an outage, land before that) and never again; samples imported later into a
 * summarised day are not counted (`DELETE FROM api_check_daily_done` makes every day be recomputed).
 *
 * Every number is computed by the PromQL engine (`sum_over_time` and `count_over_time` of `probe_success`
 * summed by check), the raw parts as well as the days, so the ratio equals
 * `sum by (check) (sum_over_time(probe_success{job="check"}[w])) / sum by (check) (count_over_time(...[w]))`
 * computed over raw samples, which is `avg_over_time` when a check has one series.
 */
import type { ApiEngine } from '../prometheus/router.js';
import type { SqlFn } from '../auth/auth-store.js';
import { instantVector, promString } from '../rest/promql.js';

const DAY_MS = 86_400_000;
/** How long after its end a day is summarised. */
export const SETTLE_MS = 3_600_000;
/** Days missing at most this many are filled before answering; more are filled in the background. */
const FILL_INLINE_DAYS = 3;
/** Days per range query while filling. */
const FILL_CHUNK_DAYS = 30;
/** Days summarised at most (the longest window the API reports, and a margin). */
const KEEP_DAYS = 370;

/** Up and total samples of one check over some span. */
export interface UpCount {
  up: number;
  total: number;
}

/** Counts per check. */
export type CountsByCheck = Map<string, UpCount>;

function floorDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function ceilDay(ms: number): number {
  return Math.ceil(ms / DAY_MS) * DAY_MS;
}

function selector(check?: string): string {
  return check === undefined ? '{job="check"}' : `{job="check",check=${promString(check)}}`;
}

function add(into: CountsByCheck, from: CountsByCheck): void {
  for (const [check, c] of from) {
    const cur = into.get(check);
    if (cur) { cur.up += c.up; cur.total += c.total; } else into.set(check, { up: c.up, total: c.total });
  }
}

/** The ratio of each check with samples. */
export function ratiosOf(counts: CountsByCheck): Map<string, number> {
  const out = new Map<string, number>();
  for (const [check, c] of counts) if (c.total > 0) out.set(check, c.up / c.total);
  return out;
}

/** Counts over (endMs - spanMs, endMs] from raw samples, through PromQL. */
export async function rawCounts(engine: ApiEngine, endMs: number, spanMs: number, check?: string): Promise<CountsByCheck> {
  const out: CountsByCheck = new Map();
  if (spanMs <= 0) return out;
  const sel = `probe_success${selector(check)}[${Math.round(spanMs)}ms]`;
  const [up, total] = await Promise.all([
    instantVector(engine, `sum by (check) (sum_over_time(${sel}))`, endMs),
    instantVector(engine, `sum by (check) (count_over_time(${sel}))`, endMs),
  ]);
  for (const s of total) out.set(s.labels.get('check'), { up: 0, total: s.v });
  for (const s of up) {
    const c = out.get(s.labels.get('check'));
    if (c) c.up = s.v;
  }
  return out;
}

/** The daily counts: a table filled lazily, mirrored in memory (completed days never change). */
export class CheckDailyCounts {
  /** Day start → counts of every check with samples that day; present only for summarised days. */
  private days: Map<number, CountsByCheck> | undefined;
  private loading: Promise<Map<number, CountsByCheck>> | undefined;
  private filling: Promise<void> | undefined;

  constructor(private readonly sql: SqlFn, private readonly engine: ApiEngine, private readonly onError: (err: unknown) => void) {}

  /** The start of the newest day that may be summarised at `nowMs` (exclusive end of the summarised run). */
  static boundary(nowMs: number): number {
    return floorDay(nowMs - SETTLE_MS);
  }

  private load(): Promise<Map<number, CountsByCheck>> {
    if (this.days) return Promise.resolve(this.days);
    this.loading ??= (async () => {
      const days = new Map<number, CountsByCheck>();
      const { rows: done } = await this.sql('SELECT day_start_ms FROM api_check_daily_done');
      for (const r of done) days.set(Number(r['day_start_ms']), new Map());
      const { rows } = await this.sql('SELECT check_name, day_start_ms, up, total FROM api_check_daily');
      for (const r of rows) days.get(Number(r['day_start_ms']))?.set(String(r['check_name']), { up: Number(r['up']), total: Number(r['total']) });
      this.days = days;
      return days;
    })().finally(() => { this.loading = undefined; });
    return this.loading;
  }

  /**
   * Summarises the missing days of the last KEEP_DAYS before `nowMs`'s boundary. A few missing days (the
   * usual case: yesterday) are awaited; a long gap (the first start after an upgrade) is filled in the
   * background, and until then windows that reach into it are computed from raw samples.
   */
  async ensure(nowMs: number): Promise<void> {
    const days = await this.load();
    const end = CheckDailyCounts.boundary(nowMs);
    let missing = 0;
    for (let d = end - KEEP_DAYS * DAY_MS; d < end; d += DAY_MS) if (!days.has(d)) missing++;
    if (missing === 0) return;
    const run = this.fill(nowMs);
    if (missing <= FILL_INLINE_DAYS) await run;
  }

  /** Waits for a background fill (shutdown, tests). */
  async idle(): Promise<void> {
    await this.filling;
  }

  /** Fills every missing day up to `nowMs`'s boundary, newest first; concurrent callers share one run. */
  fill(nowMs: number): Promise<void> {
    this.filling ??= this.doFill(nowMs).catch(this.onError).finally(() => { this.filling = undefined; });
    return this.filling;
  }

  private async doFill(nowMs: number): Promise<void> {
    const days = await this.load();
    const end = CheckDailyCounts.boundary(nowMs);
    // Days older than any window the API reports are dropped, so the table and its mirror stay small.
    const oldest = end - KEEP_DAYS * DAY_MS;
    if ([...days.keys()].some((d) => d < oldest)) {
      await this.sql('DELETE FROM api_check_daily WHERE day_start_ms < $1', [oldest]);
      await this.sql('DELETE FROM api_check_daily_done WHERE day_start_ms < $1', [oldest]);
      for (const d of [...days.keys()]) if (d < oldest) days.delete(d);
    }
    const missing: number[] = [];
    for (let d = end - DAY_MS; d >= oldest; d -= DAY_MS) if (!days.has(d)) missing.push(d);
    // Runs of consecutive missing days, newest first, at most FILL_CHUNK_DAYS each: one range query each.
    while (missing.length > 0) {
      const run = [missing.shift()!];
      while (missing.length > 0 && run.length < FILL_CHUNK_DAYS && missing[0] === run[run.length - 1]! - DAY_MS) run.push(missing.shift()!);
      const first = run[run.length - 1]!;
      const last = run[0]!;
      const counts = await this.countDays(first, last);
      for (const d of run.reverse()) {
        const byCheck = counts.get(d) ?? new Map();
        const entries = [...byCheck];
        if (entries.length > 0) {
          await this.sql(
            `INSERT INTO api_check_daily (check_name, day_start_ms, up, total)
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::float8[], $4::bigint[])
             ON CONFLICT (check_name, day_start_ms) DO NOTHING`,
            [entries.map(([c]) => c), entries.map(() => d), entries.map(([, v]) => v.up), entries.map(([, v]) => v.total)],
          );
        }
        await this.sql('INSERT INTO api_check_daily_done (day_start_ms) VALUES ($1) ON CONFLICT (day_start_ms) DO NOTHING', [d]);
        days.set(d, byCheck);
      }
    }
  }

  /** Counts of every check for the days starting in [firstDay, lastDay], from raw samples. */
  private async countDays(firstDay: number, lastDay: number): Promise<Map<number, CountsByCheck>> {
    const sel = `probe_success${selector()}[1d]`;
    const [up, total] = await Promise.all([
      this.engine.rangeQuery(`sum by (check) (sum_over_time(${sel}))`, firstDay + DAY_MS, lastDay + DAY_MS, DAY_MS),
      this.engine.rangeQuery(`sum by (check) (count_over_time(${sel}))`, firstDay + DAY_MS, lastDay + DAY_MS, DAY_MS),
    ]);
    const out = new Map<number, CountsByCheck>();
    if (total.resultType !== 'matrix' || up.resultType !== 'matrix') throw new Error('daily uptime counts: expected a matrix');
    for (const s of total.result) {
      for (const p of s.samples) {
        let m = out.get(p.t - DAY_MS);
        if (!m) out.set(p.t - DAY_MS, (m = new Map()));
        m.set(s.labels.get('check'), { up: 0, total: p.v });
      }
    }
    for (const s of up.result) for (const p of s.samples) { const c = out.get(p.t - DAY_MS)?.get(s.labels.get('check')); if (c) c.up = p.v; }
    return out;
  }

  /**
   * Counts over (nowMs - windowMs, nowMs] per check: summarised days where every day of the window is
   * summarised, raw samples for the rest (or for all of it while the days are being filled).
   */
  async counts(windowMs: number, nowMs: number, check?: string): Promise<CountsByCheck> {
    await this.ensure(nowMs);
    const days = this.days!;
    const start = nowMs - windowMs;
    const boundary = CheckDailyCounts.boundary(nowMs);
    const firstDay = ceilDay(start);
    let complete = firstDay < boundary;
    for (let d = firstDay; complete && d < boundary; d += DAY_MS) if (!days.has(d)) complete = false;
    if (!complete) return rawCounts(this.engine, nowMs, windowMs, check);
    const out: CountsByCheck = new Map();
    for (let d = firstDay; d < boundary; d += DAY_MS) {
      const byCheck = days.get(d)!;
      if (check === undefined) add(out, byCheck);
      else { const c = byCheck.get(check); if (c) add(out, new Map([[check, c]])); }
    }
    const [head, tail] = await Promise.all([
      rawCounts(this.engine, firstDay, firstDay - start, check),
      rawCounts(this.engine, nowMs, nowMs - boundary, check),
    ]);
    add(out, head);
    add(out, tail);
    return out;
  }

  /** Uptime ratios of several windows at once (the raw tail is shared). */
  async ratios(windowsMs: readonly number[], nowMs: number, check?: string): Promise<Map<string, number>[]> {
    return Promise.all(windowsMs.map(async (w) => ratiosOf(await this.counts(w, nowMs, check))));
  }

  /**
   * Daily ratios of some checks for the last `n` days (oldest first; the last is today so far), null for a
   * day without samples: summarised days from the table, the rest (today, and yesterday in its first hour)
   * from raw samples, read once for all the checks.
   */
  async dailyRatios(checks: readonly string[], nowMs: number, n: number): Promise<Map<string, { dayStartMs: number; ratio: number | null }[]>> {
    await this.ensure(nowMs);
    const days = this.days!;
    const today = floorDay(nowMs);
    const starts = Array.from({ length: n }, (_, i) => today - (n - 1 - i) * DAY_MS);
    const raw = new Map<number, CountsByCheck>();
    await Promise.all(starts.filter((d) => !days.has(d)).map(async (d) => {
      const end = Math.min(d + DAY_MS, nowMs);
      // One check alone is read with its matcher; several with none (the status page's checks are most).
      raw.set(d, await rawCounts(this.engine, end, end - d, checks.length === 1 ? checks[0] : undefined));
    }));
    const out = new Map<string, { dayStartMs: number; ratio: number | null }[]>();
    for (const check of checks) {
      out.set(check, starts.map((d) => {
        const c = (days.get(d) ?? raw.get(d))?.get(check);
        return { dayStartMs: d, ratio: c && c.total > 0 ? c.up / c.total : null };
      }));
    }
    return out;
  }
}
