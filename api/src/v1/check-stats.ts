/**
 * Numbers about checks computed with PromQL over the `probe_*` series the scraper writes, so the API, the
 * status pages and a Grafana panel agree. Uptime ratios are in check-daily.ts.
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
