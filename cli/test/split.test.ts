/**
 * Split mode end to end: a real `hlmon scraper` child process scrapes a loopback target into a fresh
 * PostgreSQL database, a real `hlmon api` child process answers PromQL and lists targets over what the
 * scraper wrote and published, a bad config sent with SIGHUP is refused while the old one keeps running,
 * and SIGTERM makes the scraper store every scrape it made before it exits 0.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshPostgresDatabase, listenOnPort0, waitFor as kitWaitFor, type FreshDatabase, type Listening } from '@hlmon/testkit';
import { runCli, startCli } from './helpers.js';

const waitFor = <T>(what: string, fn: () => Promise<T | undefined>) => kitWaitFor(what, fn, { ignoreErrors: true });

interface TargetJson { job: string; url: string; health: string; labels: Record<string, string>; lastError: string }

async function targets(url: string): Promise<TargetJson[]> {
  const res = await fetch(`${url}/api/v1/targets`);
  expect(res.status).to.equal(200);
  return ((await res.json()) as { targets: TargetJson[] }).targets;
}

async function promQuery(url: string, query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${url}/prometheus/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = await res.json() as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  expect(body.status, JSON.stringify(body)).to.equal('success');
  return body.data.result;
}

function config(targetPorts: number[]): string {
  return `global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
server: { auth: { anonymous: viewer } }
scrape_configs:
  - job_name: split
    static_configs:
      - targets: [${targetPorts.map((p) => `'127.0.0.1:${p}'`).join(', ')}]
`;
}

describe('hlmon scraper and hlmon api as separate processes', function () {
  this.timeout(120_000);
  let db: FreshDatabase;
  let dir: string;
  let configFile: string;
  let target: Listening;
  let second: Listening;
  /** Scrapes each target served, by port. */
  const served = new Map<number, number>();
  let scraper: ReturnType<typeof startCli>;
  let api: ReturnType<typeof startCli>;
  let scraperUrl: string;
  let apiUrl: string;

  const countingTarget = async () => {
    let port = 0;
    const l = await listenOnPort0((_req, res) => {
      served.set(port, (served.get(port) ?? 0) + 1);
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end('# TYPE split_gauge gauge\nsplit_gauge{kind="a"} 42\n');
    });
    port = l.port;
    return l;
  };

  before(async () => {
    db = await freshPostgresDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlmon-split-'));
    target = await countingTarget();
    second = await countingTarget();
    configFile = path.join(dir, 'hlmon.yml');
    fs.writeFileSync(configFile, config([target.port]));
    scraper = startCli(['scraper', '--config', configFile, '--listen', '127.0.0.1:0', '--database-url', db.url, '--data-dir', path.join(dir, 'scraper'), '--name', 'scraper-1']);
    scraperUrl = await scraper.url;
  });
  after(async () => {
    await scraper?.stop();
    await api?.stop();
    await target?.close();
    await second?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes the target and serves its own health, readiness, self metrics and targets', async () => {
    expect((await fetch(`${scraperUrl}/-/healthy`)).status).to.equal(200);
    expect((await fetch(`${scraperUrl}/-/ready`)).status).to.equal(200);
    const up = await waitFor('the target scraped', async () => {
      const t = await targets(scraperUrl);
      return t.length === 1 && t[0]!.health === 'up' ? t[0] : undefined;
    });
    expect(up.labels).to.include({ job: 'split', instance: `127.0.0.1:${target.port}` });
    const metrics = await (await fetch(`${scraperUrl}/metrics`)).text();
    expect(metrics).to.match(/^hlmon_scraper_targets\b.* 1$/m);
    expect(metrics).to.match(/^hlmon_build_info\{/m);
    // The scraper is not the API: it serves no PromQL.
    expect((await fetch(`${scraperUrl}/prometheus/api/v1/query?query=up`)).status).to.equal(404);
  });

  it('refuses to start hlmon api without a database URL, naming what it needs', async () => {
    const r = await runCli(['api', '--config', configFile, '--data-dir', path.join(dir, 'no-db')]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('needs the PostgreSQL they share');
  });

  it('hlmon api on the same database answers PromQL over what the scraper stored', async () => {
    api = startCli(['api', '--config', configFile, '--listen', '127.0.0.1:0', '--database-url', db.url, '--data-dir', path.join(dir, 'api')]);
    apiUrl = await api.url;
    const up = await waitFor('up in the api', async () => {
      const r = await promQuery(apiUrl, 'up{job="split"}');
      return r.length === 1 ? r : undefined;
    });
    expect(up[0]!.metric).to.include({ job: 'split', instance: `127.0.0.1:${target.port}` });
    expect(up[0]!.value[1]).to.equal('1');
    const gauge = await promQuery(apiUrl, 'split_gauge');
    expect(gauge.map((s) => [s.metric.kind, s.value[1]])).to.deep.equal([['a', '42']]);
  });

  it('hlmon api lists the targets the scraper published, with their health', async () => {
    const listed = await waitFor('the published target', async () => {
      const t = await targets(apiUrl);
      return t.length === 1 && t[0]!.health === 'up' ? t : undefined;
    });
    expect(listed[0]!.url).to.equal(`http://127.0.0.1:${target.port}/metrics`);
    const prom = await (await fetch(`${apiUrl}/prometheus/api/v1/targets`)).json() as { data: { activeTargets: { scrapePool: string; health: string }[] } };
    expect(prom.data.activeTargets.map((t) => [t.scrapePool, t.health])).to.deep.equal([['split', 'up']]);
    const metrics = await (await fetch(`${apiUrl}/metrics`)).text();
    expect(metrics).to.match(/^hlmon_scrapers\{state="reporting"\} 1$/m);
  });

  it('keeps the running config when SIGHUP brings a bad one, and applies a good one', async () => {
    fs.writeFileSync(configFile, 'scrape_configs:\n  - job_name: split\n    scrape_interval: soon\n');
    scraper.signal('SIGHUP');
    await waitFor('the rejection logged', async () => (scraper.stderr().includes('rejected new') ? true : undefined));
    expect(scraper.stderr()).to.contain('scrape_interval');
    const before = served.get(target.port) ?? 0;
    await waitFor('two more scrapes under the old config', async () => ((served.get(target.port) ?? 0) >= before + 2 ? true : undefined));
    expect((await targets(scraperUrl)).map((t) => t.health)).to.deep.equal(['up']);

    fs.writeFileSync(configFile, config([target.port, second.port]));
    scraper.signal('SIGHUP');
    const both = await waitFor('both targets', async () => {
      const t = await targets(scraperUrl);
      return t.length === 2 && t.every((x) => x.health === 'up') ? t : undefined;
    });
    expect(both.map((t) => t.labels.instance).sort()).to.deep.equal([`127.0.0.1:${target.port}`, `127.0.0.1:${second.port}`].sort());
  });

  it('flushes every scrape on SIGTERM and exits 0; the api then no longer lists its targets', async () => {
    expect(await scraper.stop()).to.equal(0);
    // Every request the target answered was a scrape, and every scrape writes one `up` sample.
    const scrapes = served.get(target.port)!;
    expect(scrapes).to.be.greaterThan(3);
    const counted = await promQuery(apiUrl, `count_over_time(up{instance="127.0.0.1:${target.port}"}[1h])`);
    expect(Number(counted[0]!.value[1])).to.equal(scrapes);
    await waitFor('the targets gone from the api', async () => ((await targets(apiUrl)).length === 0 ? true : undefined));
  });
});

describe('two hlmon scraper shards and one hlmon api', function () {
  this.timeout(120_000);
  let db: FreshDatabase;
  let dir: string;
  const targetsServed: Listening[] = [];
  const procs: ReturnType<typeof startCli>[] = [];

  before(async () => {
    db = await freshPostgresDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlmon-shards-'));
    for (let i = 0; i < 4; i++) {
      targetsServed.push(await listenOnPort0((_req, res) => res.end(`# TYPE shard_gauge gauge\nshard_gauge ${i}\n`)));
    }
  });
  after(async () => {
    for (const p of procs) await p.stop();
    for (const t of targetsServed) await t.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('splits the targets between the shards by hashmod, and the api lists and queries them all', async () => {
    // The recipe of docs/scaling.md: the shard number comes from the environment through a target label.
    const configFile = path.join(dir, 'hlmon.yml');
    fs.writeFileSync(configFile, `global: { scrape_interval: 1s, scrape_timeout: 1s }
server: { auth: { anonymous: viewer } }
scrape_configs:
  - job_name: sharded
    static_configs:
      - targets: [${targetsServed.map((t) => `'127.0.0.1:${t.port}'`).join(', ')}]
        labels: { __tmp_shard: '\${HLMON_SHARD}' }
    relabel_configs:
      - source_labels: [__address__]
        modulus: 2
        target_label: __tmp_hash
        action: hashmod
      - source_labels: [__tmp_hash]
        target_label: __tmp_shard
        action: keepequal
`);
    const urls: string[] = [];
    for (const shard of ['0', '1']) {
      const p = startCli(['scraper', '--config', configFile, '--listen', '127.0.0.1:0', '--database-url', db.url, '--data-dir', path.join(dir, `s${shard}`), '--name', `shard-${shard}`], { HLMON_SHARD: shard });
      procs.push(p);
      urls.push(await p.url);
    }
    // The api reads the same file, so the variable must be set for it too; it scrapes nothing, any value does.
    const api = startCli(['api', '--config', configFile, '--listen', '127.0.0.1:0', '--database-url', db.url, '--data-dir', path.join(dir, 'api')], { HLMON_SHARD: 'none' });
    procs.push(api);
    const apiUrl = await api.url;

    const all = targetsServed.map((t) => `127.0.0.1:${t.port}`).sort();
    const perShard = await Promise.all(urls.map(async (u) => (await targets(u)).map((t) => t.labels.instance!)));
    expect(perShard.flat().sort(), 'every target in exactly one shard').to.deep.equal(all);
    const listed = await waitFor('all targets up in the api', async () => {
      const t = await targets(apiUrl);
      return t.length === 4 && t.every((x) => x.health === 'up') ? t : undefined;
    });
    expect(listed.map((t) => t.labels.instance).sort()).to.deep.equal(all);
    expect(listed.every((t) => !('__tmp_shard' in t.labels))).to.equal(true);
    const values = await waitFor('every target\'s gauge', async () => {
      const r = await promQuery(apiUrl, 'shard_gauge');
      return r.length === 4 ? r : undefined;
    });
    expect(values.map((s) => s.value[1]).sort()).to.deep.equal(['0', '1', '2', '3']);
  });
});
