import { expect } from 'chai';
import { freshPostgresDatabase, tempDir, waitFor as kitWaitFor, type FreshDatabase, type TempDir } from '@hlmon/testkit';
import { createLogger, startServer, type RunningServer } from '@hlmon/cli';

async function promQuery(url: string, query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${url}/prometheus/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = await res.json() as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  expect(body.status).to.equal('success');
  return body.data.result;
}

const waitFor = <T>(what: string, fn: () => Promise<T | undefined>) => kitWaitFor(what, fn, { timeoutMs: 45_000, intervalMs: 500 });

describe('hlmon start wiring', function () {
  this.timeout(120_000);
  let db: FreshDatabase;
  let dir: TempDir;
  let running: RunningServer;

  before(async () => {
    db = await freshPostgresDatabase();
    dir = await tempDir();
    running = await startServer({ databaseUrl: db.url, dataDir: dir.path, listen: '127.0.0.1:0', localExporter: true, log: createLogger({ level: 'error' }) });
  });
  after(async () => {
    await running?.stop();
    await db?.drop();
    await dir?.remove();
  });

  it('scrapes this machine through its own exporter and itself, and answers PromQL over what it stored', async () => {
    const up = await waitFor('both targets scraped', async () => {
      const r = await promQuery(running.url, 'up');
      return r.length === 2 ? r : undefined;
    });
    expect(up.map((s) => s.metric.job).sort()).to.deep.equal(['hlmon', 'node']);
    for (const s of up) expect(s.value[1], s.metric.job).to.equal('1');
    const cpus = await promQuery(running.url, 'count(count(node_cpu_seconds_total) by (cpu))');
    expect(Number(cpus[0]!.value[1])).to.be.greaterThan(0);
    const mem = await promQuery(running.url, 'node_memory_MemTotal_bytes');
    expect(mem[0]!.metric.job).to.equal('node');
  });

  it('lists label names, label values and series over the store without a time range, as Grafana asks', async () => {
    const names = await (await fetch(`${running.url}/prometheus/api/v1/labels`)).json() as { status: string; data: string[] };
    expect(names.status).to.equal('success');
    expect(names.data).to.include.members(['__name__', 'instance', 'job']);
    const metrics = await (await fetch(`${running.url}/prometheus/api/v1/label/__name__/values`)).json() as { data: string[] };
    expect(metrics.data).to.include.members(['up', 'node_load1']);
    const series = await (await fetch(`${running.url}/prometheus/api/v1/series?match[]=up`)).json() as { data: Record<string, string>[] };
    expect(series.data.map((s) => s.job).sort()).to.deep.equal(['hlmon', 'node']);
  });

  it('serves the scraped metric metadata on /metadata', async () => {
    const res = await (await fetch(`${running.url}/prometheus/api/v1/metadata?metric=node_load1`)).json() as { data: Record<string, { type: string; help: string }[]> };
    expect(res.data.node_load1).to.deep.equal([{ type: 'gauge', help: '1m load average.', unit: '' }]);
  });

  it('lists its targets as Prometheus does', async () => {
    const res = await fetch(`${running.url}/prometheus/api/v1/targets`);
    const body = await res.json() as { data: { activeTargets: { scrapePool: string; health: string; labels: Record<string, string> }[] } };
    expect(body.data.activeTargets.map((t) => t.scrapePool).sort()).to.deep.equal(['hlmon', 'node']);
    for (const t of body.data.activeTargets) expect(t.labels.instance).to.be.a('string').and.not.equal('');
  });

  it('serves the scraper\'s self metrics beside its own on /metrics', async () => {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    expect(text).to.match(/^hlmon_build_info\{/m);
    expect(text).to.match(/^hlmon_scrape/m);
  });

  it('lists this machine on the hosts endpoint', async () => {
    const res = await fetch(`${running.url}/api/v1/hosts`);
    expect(res.status).to.equal(200);
    const body = await res.json() as { hosts: { job: string; up: boolean }[] };
    expect(body.hosts.some((h) => h.job === 'node')).to.equal(true);
  });
});
