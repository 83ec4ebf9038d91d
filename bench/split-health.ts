/**
 * Cost of split mode's target health in the database (cli/src/scraper-health.ts) next to what the same
 * scraper writes anyway, in the same run, on PostgreSQL (a fresh database on 127.0.0.1:5432).
 *
 *   node --conditions=source --import=tsx bench/split-health.ts [targets=1000] [samplesPerTarget=507] [reps=5]
 *
 * Measured (median of `reps`, milliseconds):
 * - publish, every target changed: one HealthPublisher round after every target was scraped again (the
 *   worst case: a 5 s round with 5 s scrape intervals);
 * - publish, nothing changed: the heartbeat-only round;
 * - api poll, every target changed / nothing changed: one StoredScraperView read;
 * - reference: one scrape round of the same targets' samples (`samplesPerTarget` each, node_exporter-sized)
 *   through the store's Appender, the write every scraper does anyway.
 */
import { Labels, type MetricMetadata } from '@hlmon/model';
import { openStore } from '@hlmon/store';
import { freshPostgresDatabase } from '@hlmon/testkit';
import type { TargetHealth } from '@hlmon/scraper';
import { HealthPublisher, SCRAPER_HEALTH_MIGRATION_SQL, StoredScraperView } from '@hlmon/cli';

const TARGETS = Number(process.argv[2] ?? 1000);
const PER_TARGET = Number(process.argv[3] ?? 507);
const REPS = Number(process.argv[4] ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const db = await freshPostgresDatabase();
const store = await openStore({ url: db.url });
try {
  await store.migrate();
  await store.sql(SCRAPER_HEALTH_MIGRATION_SQL);
  const sql = (t: string, p?: readonly unknown[]) => store.sql(t, p);
  let round = 1;
  const instances = Array.from({ length: TARGETS }, (_, i) => `host-${i}.lan:9100`);
  const source = {
    targets: (): TargetHealth[] => instances.map((instance) => ({
      job: 'node', url: `http://${instance}/metrics`, discoveredLabels: Labels.from({ __address__: instance, job: 'node' }),
      labels: Labels.from({ job: 'node', instance }), health: 'up', lastScrapeMs: 1_000_000 + round * 15_000, lastScrapeDurationMs: 12.5,
      lastError: '', scrapeIntervalMs: 15_000, scrapeTimeoutMs: 10_000, lastSamples: PER_TARGET,
    })),
    checks: () => [],
    droppedTargets: () => [],
    metadata: () => new Map<string, MetricMetadata[]>([['node_load1', [{ type: 'gauge', help: '1m load average.', unit: '' }]]]),
  };
  const publisher = new HealthPublisher({ sql, source, name: 'bench', url: 'http://bench', intervalMs: 3_600_000, log: (_l, m, e) => console.error(m, e) });
  const view = new StoredScraperView({ sql, pollIntervalMs: 3_600_000, log: (_l, m, e) => console.error(m, e) });
  await publisher.publishNow();
  await view.start();

  const results: Record<string, number[]> = { publishChanged: [], publishSame: [], pollChanged: [], pollSame: [], samples: [] };
  const seriesLabels = instances.map((instance) => Array.from({ length: PER_TARGET }, (_, j) => Labels.from({ __name__: `m_${j % 50}`, job: 'node', instance, k: String(j) })));
  let t = Date.now() - REPS * 60_000;
  for (let r = 0; r < REPS; r++) {
    round++;
    results.publishChanged!.push(await timed(() => publisher.publishNow()));
    results.pollChanged!.push(await timed(() => view.pollNow()));
    results.publishSame!.push(await timed(() => publisher.publishNow()));
    results.pollSame!.push(await timed(() => view.pollNow()));
    t += 15_000;
    results.samples!.push(await timed(async () => {
      const app = store.appender();
      for (const series of seriesLabels) for (const l of series) app.append(l, t, r);
      await app.commit();
    }));
  }
  if (view.targets().length !== TARGETS) throw new Error(`the view holds ${view.targets().length} targets, not ${TARGETS}`);

  const ref = median(results.samples!);
  const rows: [string, number][] = [
    ['publish, every target changed', median(results.publishChanged!)],
    ['publish, nothing changed', median(results.publishSame!)],
    ['api poll, every target changed', median(results.pollChanged!)],
    ['api poll, nothing changed', median(results.pollSame!)],
    [`reference: one scrape round of samples (${TARGETS * PER_TARGET})`, ref],
  ];
  console.log(`${TARGETS} targets, ${PER_TARGET} samples each, median of ${REPS}, PostgreSQL`);
  console.log(`| what | ms | × reference |\n|---|---|---|`);
  for (const [what, ms] of rows) console.log(`| ${what} | ${ms.toFixed(1)} | ${(ms / ref).toFixed(3)} |`);
  console.log(`ranges (ms): ${Object.entries(results).map(([k, v]) => `${k} ${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)}`).join(', ')}`);
  await view.stop();
  await publisher.stop();
} finally {
  await store.close();
  await db.drop();
}
