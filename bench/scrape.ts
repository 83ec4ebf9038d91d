/**
 * Scrape throughput end to end: 1,000 distinct loopback targets serving node_exporter 1.5's real /metrics
 * (scraper/test/fixtures), scraped by hlmon's Scraper into a fresh PostgreSQL database on 127.0.0.1:5432.
 *
 *   node --conditions=source --import=tsx bench/scrape.ts [targets=1000] [phaseSeconds=60]
 *
 * Phase 1 holds 1,000 targets at a 15 s interval and prints sustained samples/s, scrape lag p50/p99 and
 * missed scrapes. Then the interval shrinks step by step until the scraper falls behind (missed scrapes,
 * lag p99 over 1 s, or a write backlog that keeps growing); the last step it held is the ceiling,
 * printed next to raw binary COPY rows/s into the same samples table, measured in the same run.
 *
 * The targets are served by a child process (this file with --serve) so that serving does not share the
 * scraper's event loop; on this 2-core machine it still shares the CPU, as PostgreSQL does.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Labels } from '@hlmon/model';
import { parseConfig, Scraper } from '@hlmon/scraper';
import { BinaryCopyWriter, openStore, type Store } from '@hlmon/store';
import { freshPostgresDatabase, tempDir } from '@hlmon/testkit';
import type pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(root, 'scraper/test/fixtures/node_exporter-1.5.txt');

if (process.argv[2] === '--serve') {
  // Target server: /t/<n>/metrics for any n, all the same body, keep-alive on.
  const body = readFileSync(FIXTURE);
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(body);
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
} else {
  await main();
}

interface PhaseResult {
  intervalMs: number;
  expectedSamplesPerSec: number;
  samplesPerSec: number;
  lagP50Ms: number;
  lagP99Ms: number;
  missed: number;
  backlog: number;
  held: boolean;
  scrapeP50Ms: number;
  scrapeP99Ms: number;
}

async function main(): Promise<void> {
  const targets = Number(process.argv[2] ?? 1000);
  const phaseSeconds = Number(process.argv[3] ?? 60);
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--conditions=source', '--import=tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const db = await freshPostgresDatabase();
  const store = await openStore({ url: db.url, poolMax: 4 });
  await store.migrate();
  const dir = await tempDir('hlmon-bench-scrape-');
  const perScrape = readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).length + 5;
  const results: PhaseResult[] = [];
  let rawCopy = 0;
  try {
    // HLMON_BENCH_NULL_STORE=1 discards samples: the scraper's own cost without PostgreSQL.
    const nullAppender = { append() {}, async commit() { return { samples: 0, seriesAdded: 0 }; }, async rollback() {} };
    const scraper = new Scraper({
      appender: () => (process.env.HLMON_BENCH_NULL_STORE ? nullAppender : store.appender()), dataDir: dir.path,
      log: (level, msg) => { if (level !== 'debug') console.error(`[${level}] ${msg}`); },
    });
    await scraper.start();
    const intervals = (process.env.HLMON_BENCH_INTERVALS ?? '15000,5000,2000,1000,500,250').split(',').map(Number);
    for (const [i, intervalMs] of intervals.entries()) {
      const r = await phase(scraper, port, targets, intervalMs, i === 0 ? phaseSeconds : Math.max(20, phaseSeconds / 3), perScrape);
      results.push(r);
      printPhase(r);
      if (!r.held) break;
    }
    await scraper.stop(60_000);
    rawCopy = await measureRawCopy(store);
  } finally {
    child.kill();
    await store.close();
    await db.drop();
    await dir.remove();
  }

  const held = results.filter((r) => r.held);
  const ceiling = held.length > 0 ? Math.max(...held.map((r) => r.samplesPerSec)) : 0;
  const first = results[0]!;
  console.log('\n| measure | value |');
  console.log('|---|---|');
  console.log(`| targets | ${targets} (node_exporter 1.5 fixture, ${perScrape} samples per scrape incl. 5 synthetic) |`);
  console.log(`| 15 s interval: sustained samples/s | ${first.samplesPerSec.toFixed(0)} (expected ${first.expectedSamplesPerSec.toFixed(0)}) |`);
  console.log(`| 15 s interval: scrape lag p50 / p99 | ${first.lagP50Ms.toFixed(1)} ms / ${first.lagP99Ms.toFixed(1)} ms |`);
  console.log(`| 15 s interval: missed scrapes | ${first.missed} |`);
  console.log(`| ceiling (highest load held) samples/s | ${ceiling.toFixed(0)} |`);
  console.log(`| raw binary COPY rows/s (same table, same run) | ${rawCopy.toFixed(0)} |`);
  console.log(`| ceiling / raw COPY | ${(ceiling / rawCopy).toFixed(2)} |`);
  console.log(`| machine | ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''} |`);
}

async function phase(scraper: Scraper, port: number, targets: number, intervalMs: number, seconds: number, perScrape: number): Promise<PhaseResult> {
  // Distinct targets: same server, one path and one `target` label each (hashmod-free, as a user's list would be).
  const list = Array.from({ length: targets }, (_, i) => `{ targets: ['127.0.0.1:${port}'], labels: { target: 't${i}', __metrics_path__: '/t/${i}/metrics' } }`);
  const job = `  - job_name: bench\n    scrape_interval: ${intervalMs}ms\n    scrape_timeout: ${Math.min(10_000, intervalMs)}ms\n    static_configs: [${list.join(', ')}]`;
  const cfg = parseConfig(`scrape_configs:\n${job}\n`, 'bench.yml', { env: {} });
  if (cfg.errors) throw new Error(JSON.stringify(cfg.errors.slice(0, 3)));
  await scraper.applyConfig(cfg.config);
  // Warm up one interval (connections, parser caches, series creation), and let the write backlog of
  // the first scrapes (new series: half a million rows in a GIN-indexed table) drain, then measure.
  await sleep(Math.max(intervalMs, 3000) + 1000);
  for (let waited = 0; waited < 180_000 && scraper.writeStats()!.bufferedSamples > (targets * perScrape) / 4; waited += 1000) await sleep(1000);
  scraper.resetLagWindow();
  const s0 = scraper.schedulerStats();
  const w0 = scraper.writeStats()!.samplesWritten;
  const backlog0 = scraper.writeStats()!.bufferedSamples;
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const elapsed = (performance.now() - t0) / 1000;
  const s1 = scraper.schedulerStats();
  const w1 = scraper.writeStats()!;
  const samplesPerSec = (w1.samplesWritten - w0) / elapsed;
  const expectedSamplesPerSec = (targets * perScrape * 1000) / intervalMs;
  const missed = s1.missed - s0.missed;
  const backlog = w1.bufferedSamples + (w1.spoolBytes > 0 ? 1 : 0);
  const growing = w1.bufferedSamples > Math.max(backlog0, 0) + targets * perScrape || w1.spoolBytes > 0;
  const held = missed === 0 && s1.lagP99Ms < 1000 && !growing;
  const durations = scraper.targets().map((t) => t.lastScrapeDurationMs).sort((a, b) => a - b);
  const q = (x: number): number => durations[Math.min(durations.length - 1, Math.floor(x * durations.length))] ?? 0;
  return { intervalMs, expectedSamplesPerSec, samplesPerSec, lagP50Ms: s1.lagP50Ms, lagP99Ms: s1.lagP99Ms, missed, backlog, held, scrapeP50Ms: q(0.5), scrapeP99Ms: q(0.99) };
}

function printPhase(r: PhaseResult): void {
  console.error(`interval ${r.intervalMs} ms: ${r.samplesPerSec.toFixed(0)} samples/s (expected ${r.expectedSamplesPerSec.toFixed(0)}), lag p50 ${r.lagP50Ms.toFixed(1)} ms p99 ${r.lagP99Ms.toFixed(1)} ms, missed ${r.missed}, backlog ${r.backlog}, scrape duration p50 ${r.scrapeP50Ms.toFixed(0)} ms p99 ${r.scrapeP99Ms.toFixed(0)} ms -> ${r.held ? 'held' : 'FELL BEHIND'}`);
}

/** Raw binary COPY of (series_id, t, v) rows into the samples table on one connection, encoding included. */
async function measureRawCopy(store: Store): Promise<number> {
  const ids = (await store.knex.raw('SELECT id FROM series ORDER BY id LIMIT 1000')).rows.map((r: { id: string }) => Number(r.id)) as number[];
  if (ids.length === 0) {
    const app = store.appender();
    for (let i = 0; i < 1000; i++) app.append(Labels.from({ __name__: 'raw', i: String(i) }), Date.now(), 0);
    await app.commit();
    return measureRawCopy(store);
  }
  const client = store.knex.client as unknown as { acquireConnection(): Promise<pg.Client>; releaseConnection(c: pg.Client): Promise<void> };
  const conn = await client.acquireConnection();
  const writer = new BinaryCopyWriter();
  const rows = 500_000;
  const t0 = Date.now() + 3_600_000;
  let best = 0;
  try {
    for (let rep = 0; rep < 3; rep++) {
      const start = performance.now();
      const seriesIds: number[] = [], timestamps: number[] = [], values: number[] = [];
      for (let k = 0; k < rows; k++) {
        seriesIds.push(ids[k % ids.length]!);
        timestamps.push(t0 + rep * 10_000_000 + Math.floor(k / ids.length));
        values.push(k * 0.5);
      }
      await conn.query('BEGIN');
      await writer.write(conn, { seriesIds, timestamps, values });
      await conn.query('COMMIT');
      best = Math.max(best, rows / ((performance.now() - start) / 1000));
    }
  } finally {
    await client.releaseConnection(conn);
  }
  return best;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
