import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { isStaleNaN, Matcher } from '@hlmon/model';
import { openStore, type Store } from '@hlmon/store';
import { parseConfig, Scraper } from '@hlmon/scraper';
import { tempDir, type TempDir } from '@hlmon/testkit';
import { createPrivatePostgres, type PrivatePostgres } from './helpers/private-postgres.js';
import { startServer, type TestServer } from './helpers/servers.js';

const TARGETS = 20;
const PADDING_SERIES = 200;

/** A private PostgreSQL cluster, a migrated store on it, a temp folder and a target counting its scrapes per path in `served`. */
async function setUpFault(prefix: string, served: Map<string, number>): Promise<{ pg: PrivatePostgres; store: Store; dir: TempDir; server: TestServer }> {
  const pg = await createPrivatePostgres();
  let store: Store | undefined;
  try {
    store = await openStore({ url: pg.url, connectTimeoutMs: 1000 });
    await store.migrate();
  } catch (err) {
    await tearDownFault({ pg, ...(store ? { store } : {}) });
    throw err;
  }
  const dir = await tempDir(prefix);
  const padding = Array.from({ length: PADDING_SERIES }, (_, i) => `padding{i="${i}"} ${i}`).join('\n');
  const server = await startServer((req, res) => {
    const n = (served.get(req.url!) ?? 0) + 1;
    served.set(req.url!, n);
    res.end(`# TYPE seq counter\nseq ${n}\n${padding}\n`);
  });
  return { pg, store, dir, server };
}

/** Undoes setUpFault; each part is optional so a failed set-up can be undone too. */
async function tearDownFault(env: { pg?: PrivatePostgres; store?: Store; dir?: TempDir; server?: TestServer }): Promise<void> {
  await env.store?.close();
  await env.pg?.destroy();
  await env.server?.close();
  await env.dir?.remove();
}

/**
 * Fault: PostgreSQL stops while 20 targets are scraped every 300 ms, the scraper is restarted during the
 * outage, PostgreSQL comes back: every scrape must be stored exactly once. Each target counts its
 * requests and exposes the count as `seq`, so the stored `seq` values of a target must be exactly
 * 1..requests, with no gap and no duplicate.
 */
describe('write path across a PostgreSQL outage and a scraper restart', function () {
  this.timeout(120_000);
  let pg: PrivatePostgres;
  let store: Store;
  let dir: TempDir;
  let server: TestServer;
  const served = new Map<string, number>();

  before(async () => { ({ pg, store, dir, server } = await setUpFault('hlmon-fault-', served)); });
  after(() => tearDownFault({ pg, store, dir, server }));

  /** Scrapes as the scraper reported them: per job, the scrape start times, split by success. */
  const scrapes = new Map<string, { ok: number[]; failed: number[] }>();

  function newScraper(): Scraper {
    // A small memory bound so that the outage also exercises the spool, not only the memory queue.
    const s = new Scraper({ appender: () => store.appender(), dataDir: dir.path, maxBufferedSamples: 5_000, retryDelayMs: 50 });
    s.on('scrape', (h) => {
      const e = scrapes.get(h.job) ?? { ok: [], failed: [] };
      (h.health === 'up' ? e.ok : e.failed).push(h.lastScrapeMs);
      scrapes.set(h.job, e);
    });
    return s;
  }

  it('stores every sample of every scrape exactly once', async () => {
    // Distinct targets: one metrics path each, through a relabeling per target.
    const targets = Array.from({ length: TARGETS }, (_, i) => `  - job_name: t${i}\n    scrape_interval: 300ms\n    scrape_timeout: 290ms\n    metrics_path: /t${i}\n    static_configs: [{ targets: ['${server.address}'] }]`).join('\n');
    const cfg = parseConfig(`scrape_configs:\n${targets}\n`, 'hlmon.yml', { env: {} });
    if (cfg.errors) throw new Error(JSON.stringify(cfg.errors));

    const first = newScraper();
    await first.applyConfig(cfg.config);
    await first.start();
    await sleep(1000);
    await pg.stop();
    await sleep(1500);
    await first.stop(200);
    const spooled = first.writeStats()!;
    expect(spooled.writeErrors).to.be.greaterThan(0);

    const second = newScraper();
    await second.applyConfig(cfg.config);
    await second.start();
    await sleep(1000);
    await pg.start();
    await sleep(1500);
    await second.stop(30_000);
    expect(second.writeStats()!.spoolBytes).to.equal(0);

    const range = { start: 0, end: Date.now() + 60_000 };
    const seq = await store.querier().select([new Matcher('=', '__name__', 'seq')], range);
    const up = await store.querier().select([new Matcher('=', '__name__', 'up')], range);
    expect(up).to.have.length(TARGETS);
    // A target whose every scrape failed (a timeout on a loaded machine) has no `seq` series at all.
    expect(seq).to.have.length([...scrapes.values()].filter((e) => e.ok.length > 0).length);
    for (const s of seq) {
      const job = s.labels.get('job');
      const reported = scrapes.get(job)!;
      const live = s.samples.filter((x) => !isStaleNaN(x.v));
      // One sample per successful scrape, at its time, in increasing request order: none lost, none twice.
      expect({ job, t: live.map((x) => x.t) }).to.deep.equal({ job, t: reported.ok });
      const values = live.map((x) => x.v);
      expect(values.every((v, i) => i === 0 || v > values[i - 1]!), `${job}: ${values.join(',')}`).to.equal(true);
    }
    for (const s of up) {
      const job = s.labels.get('job');
      const reported = scrapes.get(job)!;
      // `up` is written for every scrape, failed or not.
      expect({ job, t: s.samples.map((x) => x.t) }).to.deep.equal({ job, t: [...reported.ok, ...reported.failed].sort((a, b) => a - b) });
    }
    const total = [...scrapes.values()].reduce((n, e) => n + e.ok.length, 0);
    expect(total).to.be.greaterThan(TARGETS * 10);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts helpers/scraper-child.ts; collects its scrape lines. */
function startChild(args: object): { proc: ChildProcess; scrapes: { job: string; ok: boolean; t: number }[]; ready: Promise<void>; exited: Promise<void> } {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'scraper-child.ts');
  const proc = spawn(process.execPath, ['--conditions=source', '--import=tsx', file, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const scrapes: { job: string; ok: boolean; t: number }[] = [];
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => { readyResolve = r; });
  let rest = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready') readyResolve();
      else if (line.startsWith('{')) scrapes.push(JSON.parse(line) as { job: string; ok: boolean; t: number });
    }
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return { proc, scrapes, ready, exited };
}

/**
 * Fault: a scraper process is killed with SIGKILL while it replays a spool into PostgreSQL, so some spool
 * record may be committed without its read position being saved. The next run replays from the saved
 * position: batch ids make the store skip what was committed, so every scrape spooled by the first run is
 * stored exactly once.
 */
describe('spool replay across a kill -9 of the scraper process', function () {
  this.timeout(120_000);
  let pg: PrivatePostgres;
  let store: Store;
  let dir: TempDir;
  let server: TestServer;
  const served = new Map<string, number>();

  before(async () => { ({ pg, store, dir, server } = await setUpFault('hlmon-kill-', served)); });
  after(() => tearDownFault({ pg, store, dir, server }));

  it('stores every spooled scrape exactly once when the replaying process was killed', async () => {
    const jobs = Array.from({ length: TARGETS }, (_, i) => `  - job_name: k${i}\n    scrape_interval: 200ms\n    scrape_timeout: 190ms\n    metrics_path: /k${i}\n    static_configs: [{ targets: ['${server.address}'] }]`).join('\n');
    // First run: PostgreSQL goes down after the start (opening a store needs it), everything from then on
    // is spooled (a tiny memory bound), then a clean stop.
    const first = startChild({ url: pg.url, dataDir: dir.path, config: `scrape_configs:\n${jobs}\n`, maxBufferedSamples: 1000 });
    await first.ready;
    await pg.stop();
    await sleep(3000);
    first.proc.kill('SIGTERM');
    await first.exited;
    const spooled = first.scrapes.filter((s) => s.ok);
    expect(spooled.length).to.be.greaterThan(TARGETS * 2);

    // Second run: replays into PostgreSQL, killed with SIGKILL as soon as the first rows arrive.
    await pg.start();
    const second = startChild({ url: pg.url, dataDir: dir.path, config: 'scrape_configs: []\n', maxBufferedSamples: 1000 });
    await second.ready;
    for (let i = 0; i < 2000; i++) {
      const { rows } = await store.sql('SELECT count(*)::int AS n FROM write_batches');
      if ((rows[0]!.n as number) > 0) break;
      await sleep(5);
    }
    second.proc.kill('SIGKILL');
    await second.exited;
    // The kill came in the middle of the replay: part of the spool is written, part is not.
    const { rows: partial } = await store.sql(`SELECT count(*)::int AS n FROM samples x JOIN series s ON s.id = x.series_id WHERE s.metric = 'seq'`);
    expect(partial[0]!.n as number).to.be.greaterThan(0).and.lessThan(spooled.length);

    // Third run replays the rest.
    const third = startChild({ url: pg.url, dataDir: dir.path, config: 'scrape_configs: []\n', maxBufferedSamples: 1000 });
    await third.ready;
    for (let i = 0; i < 600; i++) {
      const { rows } = await store.sql(`SELECT count(*)::int AS n FROM samples x JOIN series s ON s.id = x.series_id WHERE s.metric = 'seq'`);
      if ((rows[0]!.n as number) >= spooled.length) break;
      await sleep(100);
    }
    third.proc.kill('SIGTERM');
    await third.exited;

    const { rows: dup } = await store.sql('SELECT count(*)::int AS n FROM (SELECT series_id, t FROM samples GROUP BY series_id, t HAVING count(*) > 1) d');
    expect(dup[0]!.n).to.equal(0);
    const seq = await store.querier().select([new Matcher('=', '__name__', 'seq')], { start: 0, end: Date.now() + 60_000 });
    const stored = seq.flatMap((s) => s.samples.filter((x) => !isStaleNaN(x.v)).map((x) => `${s.labels.get('job')}@${x.t}`)).sort();
    expect(stored).to.deep.equal(spooled.map((s) => `${s.job}@${s.t}`).sort());
  });
});

