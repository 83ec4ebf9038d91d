/**
 * Uptime checks as PromQL sees them: the scraper writes blackbox_exporter's `probe_*` series with
 * `job="check"` and a `check` label, so the checks views need no endpoint of their own to show results.
 */
import { HttpError, type ApiClient } from './api-client.js';

/** One check's current state. */
export interface CheckRow {
  readonly check: string;
  readonly instance: string;
  readonly up: boolean;
  readonly durationSeconds: number | null;
  readonly uptime24h: number | null;
  readonly uptime7d: number | null;
  readonly certExpiresInSeconds: number | null;
  readonly httpStatus: number | null;
  /** probe_success samples over the last hour, one per minute (null: no result that minute). */
  readonly heartbeats: (number | null)[];
  /** The check as hlmon.yml configures it (GET /api/v1/checks); absent for probe series of no configured check. */
  readonly config?: ConfiguredCheck;
  /** True for a configured check with no current result (just created or resumed): `up` means nothing yet. */
  readonly pending?: boolean;
  /**
   * True when PromQL has no current sample of the check (paused, deleted, or not run for five minutes) but
   * it has history in the last 24 hours: the row carries that history (heartbeat, uptime), not a status.
   */
  readonly stale?: boolean;
  /** When the run behind `up` and `durationSeconds` happened, when the scraper or the stream said so. */
  readonly lastCheckMs?: number | null;
}

/** A check of GET /api/v1/checks: what can be edited, and whether it is paused. */
export interface ConfiguredCheck {
  readonly name: string;
  readonly type: string;
  readonly target: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number | null;
  readonly paused: boolean;
  /** The last run's failure reason ('' or null after a success). */
  readonly lastError: string | null;
  /** The scraper's last result (null before the first run, and while paused); absent from older servers. */
  readonly up?: boolean | null;
  readonly lastCheckMs?: number | null;
  readonly responseTimeMs?: number | null;
}

/**
 * The configured checks, or null when the server has no check management (404): the page then shows the
 * probe series alone and offers no edit buttons.
 */
export async function loadConfiguredChecks(api: ApiClient, signal: AbortSignal): Promise<ConfiguredCheck[] | null> {
  try {
    const { checks } = await api.json<{ checks: ConfiguredCheck[] }>('/api/v1/checks', { signal });
    return checks.map((c) => ({ ...c, paused: c.paused === true }));
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) return null;
    throw err;
  }
}

/**
 * The probe rows joined with the configured checks: every configured check has a row, also one that is
 * paused (its series are stale, so PromQL no longer returns it) or has not run yet.
 *
 * The status and response time come from the scraper's last run (GET /api/v1/checks) when it has one: it is
 * what the stream reports, and the probe series can lag behind it (a just-created check's first sample may
 * not be queryable yet), so a reload never turns a result already on screen back into "pending". A paused
 * check has no current response time: its last one is history, not a reading.
 */
export function mergeChecks(rows: readonly CheckRow[], configured: readonly ConfiguredCheck[] | null): CheckRow[] {
  // History without a current sample only makes sense for a check that is still configured; one row per
  // check, the current one when the target changed.
  if (!configured) return rows.filter((r) => !r.stale);
  const byName = new Map(configured.map((c) => [c.name, c]));
  const current = new Set(rows.filter((r) => !r.stale).map((r) => r.check));
  const kept = rows.filter((r, i) => !r.stale || (byName.has(r.check) && !current.has(r.check) && rows.findIndex((x) => x.check === r.check) === i));
  const withConfig = (r: CheckRow, c: ConfiguredCheck): CheckRow => {
    if (c.paused) return { ...r, config: c, pending: false, durationSeconds: null, httpStatus: null };
    if (typeof c.up !== 'boolean') return r.stale ? { ...r, config: c, pending: true, durationSeconds: null, httpStatus: null } : { ...r, config: c };
    const recent = c.lastCheckMs != null && Date.now() - c.lastCheckMs < 60_000;
    const heartbeats = recent && r.heartbeats[60] !== 0 ? [...r.heartbeats.slice(0, 60), c.up ? 1 : 0] : r.heartbeats;
    return {
      ...r, config: c, pending: false, stale: false, up: c.up, lastCheckMs: c.lastCheckMs ?? null, heartbeats,
      durationSeconds: c.responseTimeMs != null ? c.responseTimeMs / 1000 : r.durationSeconds,
      httpStatus: c.up ? null : r.httpStatus,
    };
  };
  const out = kept.map((r) => (byName.has(r.check) ? withConfig(r, byName.get(r.check)!) : r));
  const shown = new Set(kept.map((r) => r.check));
  for (const c of configured) {
    if (shown.has(c.name)) continue;
    out.push(withConfig({
      check: c.name, instance: c.target, up: false, durationSeconds: null, uptime24h: null, uptime7d: null,
      certExpiresInSeconds: null, httpStatus: null, heartbeats: new Array<number | null>(61).fill(null), pending: true,
    }, c));
  }
  return out.sort((a, b) => a.check.localeCompare(b.check));
}

/**
 * The last streamed result of each check and when it arrived. A full load that was already on its way when
 * a result arrived answers with older data; applying the results that arrived since the load started keeps
 * what the stream showed instead of flashing back to the older state.
 */
export class RecentResults {
  private readonly byName = new Map<string, { event: CheckEvent; receivedMs: number }>();

  /** Remembers a streamed result. */
  record(event: CheckEvent, nowMs = Date.now()): void {
    if (typeof event?.name === 'string' && event.up !== null) this.byName.set(event.name, { event, receivedMs: nowMs });
  }

  /**
   * Applies the results received at or after `sinceMs` to the rows they name (rows the load no longer has,
   * a deleted check, stay gone), unless a row already holds a result at least as new.
   */
  applyTo(rows: readonly CheckRow[], sinceMs: number): CheckRow[] {
    let out = [...rows];
    for (const { event, receivedMs } of this.byName.values()) {
      if (receivedMs < sinceMs) continue;
      const row = out.find((r) => r.check === event.name);
      if (!row) continue;
      if (row.lastCheckMs != null && event.lastCheckMs !== null && row.lastCheckMs >= event.lastCheckMs) continue;
      out = patchCheck(out, event);
    }
    return out;
  }
}

/** What a row's status badge says: a paused check is neither up nor down; a configured one without results is pending. */
export function checkStatus(r: CheckRow): 'paused' | 'pending' | 'up' | 'down' {
  if (r.config?.paused) return 'paused';
  if (r.pending) return 'pending';
  return r.up ? 'up' : 'down';
}

const SEL = 'job="check"';

/** Loads every check's state and last hour of results. */
export async function loadChecks(api: ApiClient, signal: AbortSignal): Promise<CheckRow[]> {
  const now = Date.now();
  const [success, duration, day, week, cert, status, beats] = await Promise.all([
    api.instant(`probe_success{${SEL}}`, signal),
    api.instant(`probe_duration_seconds{${SEL}}`, signal),
    api.instant(`avg_over_time(probe_success{${SEL}}[24h])`, signal),
    api.instant(`avg_over_time(probe_success{${SEL}}[7d])`, signal),
    api.instant(`probe_ssl_earliest_cert_expiry{${SEL}} - time()`, signal),
    api.instant(`probe_http_status_code{${SEL}}`, signal),
    api.range(`max_over_time(probe_success{${SEL}}[1m])`, now - 3_600_000, now, 60, signal),
  ]);
  const key = (m: Record<string, string>) => `${m.check ?? ''}\u0000${m.instance ?? ''}`;
  const val = (list: { metric: Record<string, string>; value: [number, string] }[]) => new Map(list.map((s) => [key(s.metric), Number(s.value[1])]));
  const [d, u1, u7, c, st] = [val(duration), val(day), val(week), val(cert), val(status)];
  const hb = new Map(beats.map((s) => [key(s.metric), s]));
  const latest = new Map(success.map((s) => [key(s.metric), s]));
  // A check with no current sample (paused, say) still has its last day's history: a row of its own, stale.
  const all = [...success.map((s) => s.metric), ...day.filter((s) => !latest.has(key(s.metric))).map((s) => s.metric)];
  return all.map((metric) => {
    const k = key(metric);
    const s = latest.get(k);
    const series = hb.get(k);
    const heartbeats: (number | null)[] = new Array(61).fill(null);
    for (const [t, v] of series?.values ?? []) {
      const i = Math.round((t * 1000 - (now - 3_600_000)) / 60_000);
      if (i >= 0 && i < heartbeats.length) heartbeats[i] = Number(v);
    }
    const num = (m: Map<string, number>) => (m.has(k) && Number.isFinite(m.get(k)!) ? m.get(k)! : null);
    return {
      check: metric.check ?? metric.instance ?? '',
      instance: metric.instance ?? '',
      up: s !== undefined && Number(s.value[1]) === 1,
      ...(s ? {} : { stale: true }),
      durationSeconds: s ? num(d) : null,
      uptime24h: num(u1),
      uptime7d: num(u7),
      certExpiresInSeconds: num(c),
      httpStatus: num(st),
      heartbeats,
    };
  }).sort((a, b) => a.check.localeCompare(b.check));
}

/** A check result as the stream's `checks` topic sends it. */
export interface CheckEvent {
  readonly name: string;
  readonly target: string;
  readonly up: boolean | null;
  readonly lastCheckMs: number | null;
  readonly responseTimeMs: number | null;
  readonly lastError: string | null;
}

/**
 * Applies a streamed result to the rows on screen: the status, response time and the current minute of the
 * heartbeat change at once, before the sample is queryable; a check not on screen yet (just created) gets a
 * row of its own. Uptime ratios and certificate expiry wait for the next full load.
 */
export function patchCheck(rows: readonly CheckRow[], e: CheckEvent): CheckRow[] {
  if (typeof e?.name !== 'string' || e.up === null) return [...rows];
  const beat = e.up ? 1 : 0;
  const withBeat = (beats: (number | null)[]) => {
    const next = beats.length === 61 ? [...beats] : new Array<number | null>(61).fill(null);
    // The last slot is the current minute; a failure in it wins, as max_over_time of the minute would not.
    next[60] = next[60] === 0 && !e.up ? 0 : beat;
    return next;
  };
  const durationSeconds = e.responseTimeMs === null ? null : e.responseTimeMs / 1000;
  const i = rows.findIndex((r) => r.check === e.name);
  if (i >= 0) {
    const r = rows[i]!;
    // A result that was on its way when the check was paused does not make it look running again.
    if (r.config?.paused) return [...rows];
    const out = [...rows];
    out[i] = { ...r, up: e.up, pending: false, stale: false, durationSeconds, lastCheckMs: e.lastCheckMs, heartbeats: withBeat(r.heartbeats), httpStatus: e.up ? null : r.httpStatus };
    return out;
  }
  const row: CheckRow = {
    check: e.name, instance: e.target, up: e.up, durationSeconds, uptime24h: null, uptime7d: null,
    certExpiresInSeconds: null, httpStatus: null, heartbeats: withBeat([]), lastCheckMs: e.lastCheckMs,
  };
  return [...rows, row].sort((a, b) => a.check.localeCompare(b.check));
}

/**
 * Every check's row as the Checks page and the overview show it: the probe series joined with the
 * configured checks (paused ones included), with the results streamed while the load was on its way.
 */
export async function loadCheckRows(api: ApiClient, signal: AbortSignal, recent: RecentResults): Promise<CheckRow[]> {
  const startedMs = Date.now();
  const [rows, configured] = await Promise.all([loadChecks(api, signal), loadConfiguredChecks(api, signal)]);
  return recent.applyTo(mergeChecks(rows, configured), startedMs);
}
