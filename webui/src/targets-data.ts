/**
 * Scrape targets as the Targets page and the host page show them: health from `up`, the time of the last
 * scrape from `timestamp(up)`, the duration from `scrape_duration_seconds`, and the scraper's last error,
 * labels and URL from /prometheus/api/v1/targets when the server reports them.
 */
import type { ApiClient } from './api-client.js';

/** A target of /prometheus/api/v1/targets (the fields the UI reads). */
interface ActiveTarget { labels: Record<string, string>; scrapeUrl?: string; lastError?: string; lastScrape?: string; lastScrapeDuration?: number; health?: string }

/** One scrape target. */
export interface TargetRow {
  readonly job: string;
  readonly instance: string;
  /** null: never scraped yet (listed by the scraper, no `up` sample). */
  readonly up: boolean | null;
  readonly durationSeconds: number | null;
  readonly lastScrapeMs: number | null;
  readonly lastError: string;
  readonly labels: Record<string, string>;
  readonly scrapeUrl: string;
}

const key = (m: Record<string, string>) => `${m.job}\u0000${m.instance}`;

/** Every target, sorted by job and instance. */
export async function loadTargets(api: ApiClient, signal: AbortSignal): Promise<TargetRow[]> {
  const [up, scrapedAt, duration, listed] = await Promise.all([
    api.instant('up', signal),
    // An instant query's own timestamp is the evaluation time, not the scrape's: timestamp() gives the sample's.
    api.instant('timestamp(up)', signal),
    api.instant('scrape_duration_seconds', signal),
    api.prom<{ activeTargets: ActiveTarget[] }>('targets', {}, signal),
  ]);
  const at = new Map(scrapedAt.map((s) => [key(s.metric), Number(s.value[1]) * 1000]));
  const dur = new Map(duration.map((s) => [key(s.metric), Number(s.value[1])]));
  const active = new Map(listed.activeTargets.map((t) => [key(t.labels), t]));
  const rows: TargetRow[] = up.map((s) => {
    const k = key(s.metric);
    const a = active.get(k);
    const { __name__: _, ...labels } = s.metric;
    const lastScrape = a?.lastScrape ? Date.parse(a.lastScrape) : NaN;
    const sampleMs = at.get(k);
    return {
      job: s.metric.job ?? '', instance: s.metric.instance ?? '', up: Number(s.value[1]) === 1,
      durationSeconds: dur.get(k) ?? null,
      lastScrapeMs: Number.isFinite(lastScrape) && lastScrape > 0 ? lastScrape : sampleMs !== undefined && Number.isFinite(sampleMs) ? Math.round(sampleMs) : null,
      lastError: a?.lastError ?? '', labels: a?.labels ?? labels, scrapeUrl: a?.scrapeUrl ?? '',
    };
  });
  // A target the scraper lists but that has no `up` yet (just added) is shown too, as not scraped yet.
  const seen = new Set(up.map((s) => key(s.metric)));
  for (const [k, a] of active) {
    if (seen.has(k)) continue;
    rows.push({ job: a.labels.job ?? '', instance: a.labels.instance ?? '', up: null, durationSeconds: null, lastScrapeMs: null, lastError: a.lastError ?? '', labels: a.labels, scrapeUrl: a.scrapeUrl ?? '' });
  }
  return rows.sort((a, b) => a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance));
}

/** The host part of an instance: `nas:9100` → `nas`, `[::1]:9100` → `::1`, `https://nas.lan/x` → `nas.lan`. */
export function instanceHost(instance: string): string {
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(instance) ? instance : `x://${instance}`;
  try {
    return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return instance.toLowerCase();
  }
}

/**
 * The targets that belong to a host: every job whose instance is the host's, and every target whose labels
 * name the same machine — an instance on the same host name with another port (cAdvisor next to
 * node_exporter), or the host's node name (`nodename` of node_uname_info) as the instance's host or as a
 * `host`, `hostname`, `node` or `nodename` label. Targets on `localhost` pair with a host at `localhost`:
 * hlmon scraped both on its own machine.
 */
export function targetsOfHost(rows: readonly TargetRow[], host: { instance: string; hostname?: string | null }): TargetRow[] {
  const names = new Set([instanceHost(host.instance), host.hostname?.toLowerCase() ?? ''].filter((n) => n !== ''));
  return rows.filter((r) => r.instance === host.instance
    || names.has(instanceHost(r.instance))
    || HOST_LABELS.some((l) => r.labels[l] !== undefined && names.has(r.labels[l]!.toLowerCase())));
}

const HOST_LABELS = ['host', 'hostname', 'node', 'nodename'] as const;
