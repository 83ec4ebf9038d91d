/**
 * Numbers about checks computed with PromQL over the `probe_*` series the scraper writes, so the API, the
 * status pages and a Grafana panel agree.
 */
import type { ApiEngine } from '../prometheus/router.js';
import { instantVector, promString } from '../rest/promql.js';

/** The uptime windows the API reports. */
export const UPTIME_WINDOWS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, '365d': 365 * 86_400_000 } as const;

/** One of UPTIME_WINDOWS' keys. */
export type UptimeWindow = keyof typeof UPTIME_WINDOWS;

function selector(check?: string): string {
  return check === undefined ? '{job="check"}' : `{job="check",check=${promString(check)}}`;
}

/** Uptime ratio (0..1) per check over a window. */
export async function uptimeRatios(engine: ApiEngine, window: UptimeWindow, atMs: number, check?: string): Promise<Map<string, number>> {
  const v = await instantVector(engine, `avg by (check) (avg_over_time(probe_success${selector(check)}[${window === '365d' ? '365d' : window}]))`, atMs);
  return new Map(v.map((s) => [s.labels.get('check') ?? '', s.v]));
}

/** Earliest certificate expiry per check, ms since the epoch. */
export async function certificateExpiries(engine: ApiEngine, atMs: number, check?: string): Promise<Map<string, number>> {
  const v = await instantVector(engine, `min by (check) (last_over_time(probe_ssl_earliest_cert_expiry${selector(check)}[1h]))`, atMs);
  return new Map(v.map((s) => [s.labels.get('check') ?? '', s.v * 1000]));
}

/** Response time (ms) of one check over [startMs, endMs], about `points` points. */
export async function responseTimes(engine: ApiEngine, check: string, startMs: number, endMs: number, points = 240): Promise<{ t: number; ms: number }[]> {
  const stepMs = Math.max(15_000, Math.ceil((endMs - startMs) / points / 1000) * 1000);
  const res = await engine.rangeQuery(`max(probe_duration_seconds${selector(check)})`, startMs, endMs, stepMs);
  if (res.resultType !== 'matrix') return [];
  return (res.result[0]?.samples ?? []).map((s) => ({ t: s.t, ms: s.v * 1000 }));
}

/** Daily uptime ratios of one check for the last `days` days, oldest first (null for a day without data). */
export async function dailyUptime(engine: ApiEngine, check: string, nowMs: number, days: number): Promise<{ dayStartMs: number; ratio: number | null }[]> {
  const DAY = 86_400_000;
  const endMs = Math.floor(nowMs / DAY) * DAY + DAY;
  const startMs = endMs - days * DAY;
  const res = await engine.rangeQuery(`avg(avg_over_time(probe_success${selector(check)}[1d]))`, startMs + DAY, endMs, DAY);
  const byEnd = new Map<number, number>();
  if (res.resultType === 'matrix') for (const s of res.result[0]?.samples ?? []) byEnd.set(s.t, s.v);
  const out: { dayStartMs: number; ratio: number | null }[] = [];
  for (let d = startMs; d < endMs; d += DAY) out.push({ dayStartMs: d, ratio: byEnd.get(d + DAY) ?? null });
  return out;
}
