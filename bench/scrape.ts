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
 *   node --conditions=source --import=tsx bench/scrape.ts outage [targets=1000] [outageSeconds=600]
 *
 * Outage mode: a private PostgreSQL cluster (initdb in a temp folder, run as the postgres user) is stopped
 * for `outageSeconds` while the targets are scraped at 15 s; halfway through, the scraper is stopped and
 * a new one started on the same data folder (the spool survives); then PostgreSQL starts again and the
 * run waits until everything is written. It prints spool size, replay time, and checks that every scrape
 * is stored exactly once (sample rows per scrape, no duplicate (series, t)).
 *
 * The targets are served by a child process (this file with --serve) so that serving does not share the
 * scraper's event loop; on this 2-core machine it still shares the CPU, as PostgreSQL does.
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Labels } from '@hlmon/model';
import { parseConfig, SCRAPER_NODE_FLAGS, Scraper } from '@hlmon/scraper';
import { BinaryCopyWriter, openStore, type Store } from '@hlmon/store';
import { freshPostgresDatabase, tempDir } from '@hlmon/testkit';
import type pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.join(root, 'scraper/test/fixtures/node_exporter-1.5.txt');

if (process.argv[2] !== '--serve' && !SCRAPER_NODE_FLAGS.every((f) => process.execArgv.includes(f))) {
  // Measure the scraper as hlmon runs it: with the V8 flags of the hlmon bin (scraper/src/node-flags.ts).
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [...SCRAPER_NODE_FLAGS, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
} else if (process.argv[2] === '--serve') {
  // Target server: /t/<n>/metrics for any n, all the same body, keep-alive on.
  const body = readFileSync(FIXTURE);
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(body);
  });
  server.keepAliveTimeout = 120_000;
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
} else if (process.argv[2] === 'outage') {
  await outage(Number(process.argv[3] ?? 1000), Number(process.argv[4] ?? 600));
} else {
  await main();
}

/** Starts the target server child; it goes when this process is interrupted, too. */
function serveTargets(): ReturnType<typeof fork> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: ['--conditions=source', '--import=tsx'] });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      child.kill();
      process.exit(130);
    });
  }
  return child;
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
  walBytesPerSample: number;
  checkpoints: number;
  /** CPU microseconds per written sample: this process (scraper and store client) and all postgres processes. */
  scraperUsPerSample: number;
  postgresUsPerSample: number;
}

/**
 * HLMON_BENCH_PROFILE=dir: a V8 CPU profile of each measurement window (this process: scraper and store
 * client), written as dir/scrape-<interval>ms-<phase>.cpuprofile for Chrome's DevTools.
 */
async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * CPU seconds used so far by PostgreSQL's processes (server-wide: other databases' work is included):
 * every live process named `postgres`, plus what the postmasters' exited children used (cutime/cstime),
 * so a backend that ends during a window still counts.
 */
function postgresCpuSeconds(): number {
  const tick = 100; // USER_HZ on Linux
  const procs = new Map<number, { ppid: number; own: number; children: number }>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const f = stat.slice(close + 2).split(' '); // f[0] is field 3 of proc(5)
      procs.set(Number(pid), { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) });
    } catch {
      // the process ended meanwhile
    }
  }
  let ticks = 0;
  for (const p of procs.values()) ticks += p.own + (procs.has(p.ppid) ? 0 : p.children);
  return ticks / tick;
}

async function main(): Promise<void> {
  const targets = Number(process.argv[2] ?? 1000);
  const phaseSeconds = Number(process.argv[3] ?? 60);
  const child = serveTargets();
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const db = await freshPostgresDatabase();
  const store = await openStore({ url: db.url, poolMax: 4 });
  await store.migrate();
  const dir = await tempDir('hlmon-bench-scrape-');
  const perScrape = readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).length + 5;
  const results: PhaseResult[] = [];
  // Raw COPY before the phases too, for the record: into a nearly empty table it is much faster than
  // after the phases, when the table and its index hold what the scraper wrote. The ratio uses the
  // measurement after the phases, into the table as the last phases left it.
  const rawCopyBefore = await measureRawCopy(store);
  console.error(`raw binary COPY before the phases: ${rawCopyBefore.toFixed(0)} rows/s`);
  let rawCopyAfter = 0;
  let rawCopySameRows = 0;
  try {
    // HLMON_BENCH_NULL_STORE=1 discards samples: the scraper's own cost without PostgreSQL.
    const nullAppender = { append() {}, async commit() { return { samples: 0, seriesAdded: 0 }; }, async rollback() {} };
    const scraper = new Scraper({
      appender: () => (process.env.HLMON_BENCH_NULL_STORE ? nullAppender : store.appender()), dataDir: dir.path,
      // Write path settings to compare (defaults otherwise): HLMON_BENCH_WRITERS, HLMON_BENCH_COMMIT_SAMPLES.
      ...(process.env.HLMON_BENCH_WRITERS ? { writers: Number(process.env.HLMON_BENCH_WRITERS) } : {}),
      ...(process.env.HLMON_BENCH_COMMIT_SAMPLES ? { maxCommitSamples: Number(process.env.HLMON_BENCH_COMMIT_SAMPLES) } : {}),
      log: (level, msg) => { if (level !== 'debug') console.error(`[${level}] ${msg}`); },
    });
    await scraper.start();
    const intervals = (process.env.HLMON_BENCH_INTERVALS ?? '15000,10000,8000,6000,5000,4500,4000,3500,3000,2500,2000,1500,1000').split(',').map(Number);
    for (const [i, intervalMs] of intervals.entries()) {
      const r = await phase(store, scraper, port, targets, intervalMs, i === 0 ? phaseSeconds : Math.max(20, phaseSeconds / 3), perScrape, i);
      results.push(r);
      printPhase(r);
      if (!r.held) break;
    }
    await scraper.stop(60_000);
    rawCopyAfter = await measureRawCopy(store);
    rawCopySameRows = await measureRawCopySameRows(store);
  } finally {
    child.kill();
    await store.close();
    await db.drop();
    await dir.remove();
  }

  const rawCopy = rawCopyAfter;
  const held = results.filter((r) => r.held);
  // The load a held phase sustained: what arrived, not what was written in the window, which can be more
  // when the window also drained an earlier backlog.
  const ceiling = held.length > 0 ? Math.max(...held.map((r) => Math.min(r.samplesPerSec, r.expectedSamplesPerSec))) : 0;
  const first = results[0]!;
  console.log('\n| measure | value |');
  console.log('|---|---|');
  console.log(`| targets | ${targets} (node_exporter 1.5 fixture, ${perScrape} samples per scrape incl. 5 synthetic) |`);
  console.log(`| 15 s interval: sustained samples/s | ${first.samplesPerSec.toFixed(0)} (expected ${first.expectedSamplesPerSec.toFixed(0)}) |`);
  console.log(`| 15 s interval: scrape lag p50 / p99 | ${first.lagP50Ms.toFixed(1)} ms / ${first.lagP99Ms.toFixed(1)} ms |`);
  console.log(`| 15 s interval: missed scrapes | ${first.missed} |`);
  console.log(`| ceiling (highest load held) samples/s | ${ceiling.toFixed(0)} |`);
  console.log(`| raw binary COPY rows/s (same table, same run; before / after the phases) | ${rawCopyBefore.toFixed(0)} / ${rawCopyAfter.toFixed(0)} |`);
  console.log(`| ceiling / raw COPY after the phases | ${(ceiling / rawCopy).toFixed(2)} |`);
  console.log(`| raw binary COPY rows/s of the scrapes' own rows (every series once, same table, after the phases) | ${rawCopySameRows.toFixed(0)} |`);
  console.log(`| ceiling / raw COPY of the same rows | ${(ceiling / rawCopySameRows).toFixed(2)} |`);
  console.log(`| machine | ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''} |`);
}

async function phase(store: Store, scraper: Scraper, port: number, targets: number, intervalMs: number, seconds: number, perScrape: number, phaseIndex: number): Promise<PhaseResult> {
  // Distinct targets: same server, one path and one `target` label each (hashmod-free, as a user's list would be).
  const list = Array.from({ length: targets }, (_, i) => `{ targets: ['127.0.0.1:${port}'], labels: { target: 't${i}', __metrics_path__: '/t/${i}/metrics' } }`);
  const job = `  - job_name: bench\n    scrape_interval: ${intervalMs}ms\n    scrape_timeout: ${Math.min(10_000, intervalMs)}ms\n    static_configs: [${list.join(', ')}]`;
  const cfg = parseConfig(`scrape_configs:\n${job}\n`, 'bench.yml', { env: {} });
  if (cfg.errors) throw new Error(JSON.stringify(cfg.errors.slice(0, 3)));
  await scraper.applyConfig(cfg.config);
  // Warm up one interval (connections, parser caches, series creation), and let the write backlog of
  // the first scrapes (new series: half a million rows in a GIN-indexed table) drain, then measure.
  await sleep(Math.max(intervalMs, 3000) + 1000);
  // The first phase creates every series and may take minutes on a loaded machine; later phases only
  // change the interval, and a backlog that has not drained after a few intervals will not.
  const drainMs = phaseIndex === 0 ? 300_000 : Math.max(30_000, 3 * intervalMs);
  const drain = async (): Promise<boolean> => {
    for (let waited = 0; waited < drainMs; waited += 1000) {
      const w = scraper.writeStats()!;
      if (w.bufferedSamples <= (targets * perScrape) / 4 && w.spoolBytes === 0) return true;
      await sleep(1000);
    }
    return false;
  };
  let drained = await drain();
  // The first phase: one more interval, so that the last commits that create series (one-time work,
  // not the steady state measured here) are over before the window starts.
  if (drained && phaseIndex === 0) {
    await sleep(intervalMs);
    drained = await drain();
  }
  scraper.resetLagWindow();
  let ok = 0;
  const errors = new Map<string, number>();
  const onScrape = (h: { health: string; lastError: string }): void => {
    if (h.health === 'up') ok++;
    else errors.set(h.lastError, (errors.get(h.lastError) ?? 0) + 1);
  };
  scraper.on('scrape', onScrape);
  const s0 = scraper.schedulerStats();
  const w0 = scraper.writeStats()!.samplesWritten;
  const backlog0 = scraper.writeStats()!.bufferedSamples;
  // WAL written and checkpoints during the window: both are server-wide, so on the shared server they
  // include other databases' writes.
  const walAt = async (): Promise<{ lsn: string; checkpoints: number }> => {
    const r = (await store.knex.raw('SELECT pg_current_wal_lsn()::text AS lsn, (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter) AS checkpoints')).rows[0];
    return { lsn: r.lsn, checkpoints: Number(r.checkpoints) };
  };
  const wal0 = await walAt();
  const profiler = process.env.HLMON_BENCH_PROFILE ? await startProfile() : undefined;
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpuSeconds();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu1 = process.cpuUsage(cpu0);
  if (profiler) await profiler.stop(path.join(process.env.HLMON_BENCH_PROFILE!, `scrape-${intervalMs}ms-${phaseIndex}.cpuprofile`));
  const pg1 = postgresCpuSeconds();
  const wal1 = await walAt();
  const walBytes = Number((await store.knex.raw('SELECT pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn) AS d', [wal1.lsn, wal0.lsn])).rows[0].d);
  const elapsed = (performance.now() - t0) / 1000;
  scraper.off('scrape', onScrape);
  const failed = [...errors.values()].reduce((a, b) => a + b, 0);
  const topError = [...errors].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  console.error(`  window ${elapsed.toFixed(0)} s: ${ok} scrapes ok, ${failed} failed${topError ? ` (mostly: ${topError})` : ''}; writer: ${JSON.stringify(scraper.writeStats())}`);
  const s1 = scraper.schedulerStats();
  const w1 = scraper.writeStats()!;
  const samplesPerSec = (w1.samplesWritten - w0) / elapsed;
  const expectedSamplesPerSec = (targets * perScrape * 1000) / intervalMs;
  const missed = s1.missed - s0.missed;
  const backlog = w1.bufferedSamples + (w1.spoolBytes > 0 ? 1 : 0);
  const growing = w1.bufferedSamples > Math.max(backlog0, 0) + targets * perScrape || w1.spoolBytes > 0;
  // Written at least 95 % of what arrived: over a 20 s window a backlog can grow by less than one round
  // of scrapes (the `growing` test) while the writer is 20 % short of the load.
  const held = drained && missed === 0 && s1.lagP99Ms < 1000 && !growing && samplesPerSec >= 0.95 * expectedSamplesPerSec;
  const durations = scraper.targets().map((t) => t.lastScrapeDurationMs).sort((a, b) => a - b);
  const q = (x: number): number => durations[Math.min(durations.length - 1, Math.floor(x * durations.length))] ?? 0;
  const written = Math.max(1, w1.samplesWritten - w0);
  const walBytesPerSample = walBytes / written;
  const scraperUsPerSample = (cpu1.user + cpu1.system) / written;
  const postgresUsPerSample = ((pg1 - pg0) * 1e6) / written;
  return { scraperUsPerSample, postgresUsPerSample, intervalMs, expectedSamplesPerSec, samplesPerSec, lagP50Ms: s1.lagP50Ms, lagP99Ms: s1.lagP99Ms, missed, backlog, held, scrapeP50Ms: q(0.5), scrapeP99Ms: q(0.99), walBytesPerSample, checkpoints: wal1.checkpoints - wal0.checkpoints };
}

function printPhase(r: PhaseResult): void {
  console.error(`interval ${r.intervalMs} ms: ${r.samplesPerSec.toFixed(0)} samples/s (expected ${r.expectedSamplesPerSec.toFixed(0)}), lag p50 ${r.lagP50Ms.toFixed(1)} ms p99 ${r.lagP99Ms.toFixed(1)} ms, missed ${r.missed}, backlog ${r.backlog}, scrape duration p50 ${r.scrapeP50Ms.toFixed(0)} ms p99 ${r.scrapeP99Ms.toFixed(0)} ms, server-wide WAL ${r.walBytesPerSample.toFixed(0)} bytes per sample written and ${r.checkpoints} checkpoints, CPU per sample: scraper ${r.scraperUsPerSample.toFixed(1)} µs, postgres ${r.postgresUsPerSample.toFixed(1)} µs -> ${r.held ? 'held' : 'FELL BEHIND'}`);
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

/**
 * Raw binary COPY of the rows the scrapes write: one sample for every series in the table (all targets'
 * series, target by target as the scrapes deliver them), at timestamps after the scraped ones, in
 * transactions of 500,000 rows, encoding included. Unlike measureRawCopy's 1,000 series, whose index
 * pages stay in PostgreSQL's buffers, this touches the (series_id, t) index wherever the scraper does.
 */
async function measureRawCopySameRows(store: Store): Promise<number> {
  const ids = (await store.knex.raw("SELECT id FROM series WHERE metric <> 'raw' ORDER BY labels->>'target', id")).rows.map((r: { id: string }) => Number(r.id)) as number[];
  const tMax = Number((await store.knex.raw('SELECT max(t) AS t FROM samples')).rows[0].t);
  const client = store.knex.client as unknown as { acquireConnection(): Promise<pg.Client>; releaseConnection(c: pg.Client): Promise<void> };
  const conn = await client.acquireConnection();
  const writer = new BinaryCopyWriter();
  const rowsPerCommit = 500_000;
  let best = 0;
  try {
    for (let rep = 0; rep < 3; rep++) {
      const t = tMax + 1000 * (rep + 1);
      for (let from = 0; from + rowsPerCommit <= ids.length || from === 0; from += rowsPerCommit) {
        const start = performance.now();
        const seriesIds: number[] = [], timestamps: number[] = [], values: number[] = [];
        for (let k = from; k < Math.min(ids.length, from + rowsPerCommit); k++) {
          seriesIds.push(ids[k]!);
          timestamps.push(t);
          values.push(k * 0.5);
        }
        await conn.query('BEGIN');
        await writer.write(conn, { seriesIds, timestamps, values });
        await conn.query('COMMIT');
        best = Math.max(best, seriesIds.length / ((performance.now() - start) / 1000));
      }
    }
  } finally {
    await client.releaseConnection(conn);
  }
  return best;
}

/** A stoppable PostgreSQL cluster of its own (the machine's server is shared and must never be stopped). */
async function privateCluster(): Promise<{ url: string; start(): Promise<void>; stop(): Promise<void>; destroy(): Promise<void> }> {
  const { execFile, execFileSync } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { mkdtempSync, chownSync, rmSync } = await import('node:fs');
  const net = await import('node:net');
  const bin = '/usr/lib/postgresql/15/bin';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hlmon-bench-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const run = (args: string[]): Promise<unknown> => {
    const cmd = asRoot ? ['runuser', '-u', 'postgres', '--', ...args] : args;
    return promisify(execFile)(cmd[0]!, cmd.slice(1));
  };
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const data = path.join(dir, 'data');
  await run([`${bin}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_wal_size=4GB`;
  const cluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    // Crash recovery after an immediate stop under load replays a lot of WAL on a busy machine: wait long.
    start: async () => { await run([`${bin}/pg_ctl`, '-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-t', '900', '-w', 'start']); },
    stop: async () => { await run([`${bin}/pg_ctl`, '-D', data, '-m', 'immediate', '-w', 'stop']); },
    destroy: async () => { await cluster.stop().catch(() => undefined); rmSync(dir, { recursive: true, force: true }); },
  };
  await cluster.start();
  return cluster;
}

async function outage(targets: number, outageSeconds: number): Promise<void> {
  const child = serveTargets();
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const pg = await privateCluster();
  const store = await openStore({ url: pg.url, poolMax: 4, connectTimeoutMs: 2000 });
  await store.migrate();
  const dir = await tempDir('hlmon-bench-outage-');
  const perScrape = readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).length + 5;
  const list = Array.from({ length: targets }, (_, i) => `{ targets: ['127.0.0.1:${port}'], labels: { target: 't${i}', __metrics_path__: '/t/${i}/metrics' } }`);
  const cfg = parseConfig(`scrape_configs:\n  - job_name: bench\n    scrape_interval: 15s\n    static_configs: [${list.join(', ')}]\n`, 'bench.yml', { env: {} });
  if (cfg.errors) throw new Error(JSON.stringify(cfg.errors.slice(0, 3)));
  let ok = 0;
  let failed = 0;
  let spoolPeakBytes = 0;
  let duplicateBatches = 0;
  const log = (level: string, msg: string): void => console.error(`[${new Date().toISOString()}] [${level}] ${msg.split('\n')[0]}`);
  const make = (): Scraper => {
    const s = new Scraper({ appender: () => store.appender(), dataDir: dir.path, log });
    s.on('scrape', (h) => { if (h.health === 'up') ok++; else failed++; });
    return s;
  };
  try {
    let scraper = make();
    await scraper.applyConfig(cfg.config);
    await scraper.start();
    const sampler = setInterval(() => { spoolPeakBytes = Math.max(spoolPeakBytes, scraper.writeStats()?.spoolBytes ?? 0); }, 1000);
    // Warm up: every target scraped once and the new series written.
    await sleep(16_000);
    // Steady state: nothing spooled and at most one interval's samples waiting (new ones keep arriving).
    while (scraper.writeStats()!.spoolBytes > 0 || scraper.writeStats()!.bufferedSamples > targets * perScrape) await sleep(1000);
    log('info', `warm: ${ok} scrapes; stopping PostgreSQL for ${outageSeconds} s`);
    await pg.stop();
    const outageStart = performance.now();
    await sleep((outageSeconds * 1000) / 2);
    const w1 = scraper.writeStats()!;
    log('info', `restarting the scraper mid-outage (buffered ${w1.bufferedSamples} samples, spool ${w1.spoolBytes} bytes)`);
    await scraper.stop(1000);
    const spoolAtRestart = scraper.writeStats()!.spoolBytes;
    spoolPeakBytes = Math.max(spoolPeakBytes, spoolAtRestart);
    duplicateBatches += scraper.writeStats()!.duplicateBatches;
    scraper = make();
    await scraper.applyConfig(cfg.config);
    await scraper.start();
    await sleep((outageSeconds * 1000) / 2);
    const w2 = scraper.writeStats()!;
    const spoolPeak = w2.spoolBytes;
    log('info', `starting PostgreSQL after ${((performance.now() - outageStart) / 1000).toFixed(0)} s (spool ${spoolPeak} bytes, memory ${w2.bufferedSamples} samples)`);
    await pg.start();
    const replayStart = performance.now();
    while (scraper.writeStats()!.spoolBytes > 0 || scraper.writeStats()!.bufferedSamples > targets * perScrape) await sleep(1000);
    const replaySeconds = (performance.now() - replayStart) / 1000;
    await scraper.stop(120_000);
    clearInterval(sampler);
    duplicateBatches += scraper.writeStats()!.duplicateBatches;
    const okAll = ok;
    const failedAll = failed;
    const rows = (await store.knex.raw('SELECT count(*) FILTER (WHERE v IS NOT NULL) AS live, count(*) AS total, count(DISTINCT (series_id, t)) AS distinct_pairs FROM samples')).rows[0] as { live: string; total: string; distinct_pairs: string };
    const upRows = (await store.knex.raw("SELECT count(*) AS n FROM samples x JOIN series s ON s.id = x.series_id WHERE s.metric = 'up'")).rows[0] as { n: string };
    const expectedLive = okAll * perScrape + failedAll * 5;
    console.log('\n| measure | value |');
    console.log('|---|---|');
    console.log(`| targets, interval | ${targets}, 15 s (${perScrape} samples per scrape) |`);
    console.log(`| outage | ${outageSeconds} s, scraper restarted after ${outageSeconds / 2} s |`);
    console.log(`| spool at the restart / at the end of the outage | ${(spoolAtRestart / 1e6).toFixed(1)} MB / ${(spoolPeak / 1e6).toFixed(1)} MB |`);
    console.log(`| spool peak (sampled each second) | ${(spoolPeakBytes / 1e6).toFixed(1)} MB |`);
    console.log(`| time to drain the spool after PostgreSQL returned | ${replaySeconds.toFixed(0)} s |`);
    console.log(`| batches the store skipped as already committed | ${duplicateBatches} |`);
    console.log(`| scrapes (ok / failed) | ${okAll} / ${failedAll} |`);
    console.log(`| stored non-stale rows / expected | ${rows.live} / ${expectedLive} ${Number(rows.live) === expectedLive ? 'EXACT' : 'MISMATCH'} |`);
    console.log(`| up rows / scrapes | ${upRows.n} / ${okAll + failedAll} ${Number(upRows.n) === okAll + failedAll ? 'EXACT' : 'MISMATCH'} |`);
    console.log(`| duplicate (series, t) rows | ${Number(rows.total) - Number(rows.distinct_pairs)} |`);
  } finally {
    child.kill();
    await store.close();
    await pg.destroy();
    await dir.remove();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
