import { expect } from 'chai';
import request from 'supertest';
import { Registry } from 'prom-client';
import { ManualClock, Matcher } from '@hlmon/model';
import { Engine, MemoryStorage } from '@hlmon/query';
import { createApp, restRouter } from '@hlmon/api';
// Real Prometheus over the same samples is the oracle for the numbers (shared with the web UI's tests).
import { startPrometheusEngine, type PrometheusEngine } from '../../webui/test/support/prometheus-engine.js';
import { generateHosts, type HostSpec } from '../../webui/test/support/host-data.js';

const MINUTE = 60_000;
// A whole minute, so generated scrape times are easy to reason about.
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE;
const HOSTS: HostSpec[] = [
  { instance: 'alpha:9100', hostname: 'alpha', containers: 3, seed: 1 },
  { instance: 'beta:9100', hostname: 'beta', seed: 2 },
  { instance: 'gamma:9100', hostname: 'gamma', seed: 3, downFromMs: NOW - 30 * MINUTE },
];

describe('REST /api/v1/hosts and /api/v1/containers', function () {
  this.timeout(60_000);
  let prometheus: PrometheusEngine;
  let engine: Engine;
  let storage: MemoryStorage;
  let server: ReturnType<typeof request>;
  let oracle: ReturnType<typeof request>;

  before(async () => {
    storage = new MemoryStorage();
    const samples = [...generateHosts(HOSTS, NOW - 2 * 60 * MINUTE, NOW)];
    const appender = storage.appender();
    for (const s of samples) appender.append(s.labels, s.t, s.v);
    await appender.commit();
    const clock = new ManualClock(NOW);
    engine = new Engine({ querier: storage, clock });
    prometheus = await startPrometheusEngine(samples);
    const app = (e: Engine | PrometheusEngine) => request(createApp({
      registry: new Registry(),
      ready: () => true,
      routers: [restRouter({ engine: e, querier: storage, clock })],
      log: () => {},
    }).callback());
    server = app(engine);
    oracle = app(prometheus);
  });
  after(async () => {
    await prometheus?.stop();
  });

  for (const path of ['/api/v1/hosts', '/api/v1/hosts/alpha:9100', '/api/v1/hosts/gamma:9100', '/api/v1/containers']) {
    it(`answers ${path} with the numbers Prometheus 2.42 computes from the same samples`, async () => {
      const [ours, theirs] = await Promise.all([server.get(path).expect(200), oracle.get(path).expect(200)]);
      expectAlike(ours.body, theirs.body, path);
    });
  }

  async function lastSample(name: string, instance: string, extra: Record<string, string> = {}): Promise<{ t: number; v: number }> {
    const matchers = [new Matcher('=', '__name__', name), new Matcher('=', 'instance', instance)];
    for (const [k, v] of Object.entries(extra)) matchers.push(new Matcher('=', k, v));
    const [s] = await storage.select(matchers, { start: NOW - 3 * 60 * MINUTE, end: NOW });
    return s!.samples[s!.samples.length - 1]!;
  }

  it('derives cores, CPU busy percent, memory used percent and container CPU exactly as the PromQL aggregations do', async () => {
    const byInstance = async (expr: string, key = (l: { get(n: string): string }) => l.get('instance')) => {
      const r = await engine.instantQuery(expr, NOW);
      if (r.resultType !== 'vector') throw new Error(r.resultType);
      return new Map(r.result.map((x) => [key(x.labels), x.v]));
    };
    const cores = await byInstance('count by (job, instance) (node_cpu_seconds_total{mode="idle"})');
    const busy = await byInstance('100 * (1 - avg by (job, instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))');
    const mem = await byInstance('100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)');
    const hosts = (await server.get('/api/v1/hosts').expect(200)).body.hosts as { instance: string; up: boolean; cpuCores: number; cpuUsedPercent: number; memoryUsedPercent: number }[];
    for (const h of hosts.filter((x) => x.up)) {
      expect(h.cpuCores).to.equal(cores.get(h.instance));
      expect(h.cpuUsedPercent).to.be.closeTo(busy.get(h.instance)!, 1e-9);
      expect(h.memoryUsedPercent).to.be.closeTo(mem.get(h.instance)!, 1e-9);
    }
    const cpu = await byInstance('100 * sum by (job, instance, name) (rate(container_cpu_usage_seconds_total{name!=""}[5m]))', (l) => l.get('name'));
    const images = await byInstance('count by (job, instance, name, image) (container_cpu_usage_seconds_total{name!=""})', (l) => `${l.get('name')}=${l.get('image')}`);
    const containers = (await server.get('/api/v1/containers').expect(200)).body.containers as { name: string; image: string; cpuPercent: number }[];
    expect(containers.length).to.be.greaterThan(0);
    for (const c of containers) {
      expect(c.cpuPercent).to.be.closeTo(cpu.get(c.name)!, 1e-9);
      expect(images.has(`${c.name}=${c.image}`)).to.equal(true);
    }
  });

  it('lists one host per exporter target, sorted by instance, with hostname, OS and kernel', async () => {
    const res = await server.get('/api/v1/hosts').expect(200);
    expect(res.body.hosts.map((h: { instance: string }) => h.instance)).to.deep.equal(['alpha:9100', 'beta:9100', 'gamma:9100']);
    expect(res.body.hosts[0]).to.include({ job: 'node', hostname: 'alpha', os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1.0-13-amd64', arch: 'x86_64', cpuCores: 4 });
  });

  it('computes memory and root disk use from the latest samples of an up host', async () => {
    const res = await server.get('/api/v1/hosts').query({ instance: 'beta:9100' }).expect(200);
    const [host] = res.body.hosts;
    const avail = await lastSample('node_memory_MemAvailable_bytes', 'beta:9100');
    const total = await lastSample('node_memory_MemTotal_bytes', 'beta:9100');
    const fsAvail = await lastSample('node_filesystem_avail_bytes', 'beta:9100', { mountpoint: '/' });
    const fsSize = await lastSample('node_filesystem_size_bytes', 'beta:9100', { mountpoint: '/' });
    expect(host.up).to.equal(true);
    expect(host.memoryUsedPercent).to.be.closeTo(100 * (1 - avail.v / total.v), 1e-9);
    expect(host.rootDiskUsedPercent).to.be.closeTo(100 * (1 - fsAvail.v / fsSize.v), 1e-9);
    expect(host.stateAtMs).to.equal(NOW);
  });

  it('reports CPU use as the non-idle share of all cores over five minutes', async () => {
    const res = await server.get('/api/v1/hosts').query({ instance: 'alpha:9100' }).expect(200);
    const [host] = res.body.hosts;
    // Busy modes take 29.5 % on average and swing by 80 % of that (see host-data.ts).
    expect(host.cpuUsedPercent).to.be.within(29.5 * 0.2 - 1, 29.5 * 1.8 + 1);
    expect(host.uptimeSeconds).to.be.within(3 * 86_400, 3 * 86_400 + 3 * 3600);
  });

  it('leaves loopback and bridge interfaces out of a host network rate', async () => {
    const res = await server.get('/api/v1/hosts').query({ instance: 'beta:9100' }).expect(200);
    // eth0 receives 5e5 B/s ± 50 %; lo and docker0 add 1e4 each when counted, which must not happen.
    const detail = await server.get('/api/v1/hosts/beta:9100').expect(200);
    const eth0 = detail.body.interfaces.find((i: { device: string }) => i.device === 'eth0');
    expect(res.body.hosts[0].networkReceiveBytesPerSecond).to.be.closeTo(eth0.receiveBytesPerSecond, 1e-6);
    expect(detail.body.interfaces.map((i: { device: string }) => i.device)).to.deep.equal(['docker0', 'eth0', 'lo']);
  });

  it('keeps the last known state of a host that went down, with when it was last seen', async () => {
    const res = await server.get('/api/v1/hosts').query({ instance: 'gamma:9100' }).expect(200);
    const [host] = res.body.hosts;
    const up = await storage.select([new Matcher('=', '__name__', 'up'), new Matcher('=', 'instance', 'gamma:9100')], { start: NOW - 3 * 60 * MINUTE, end: NOW });
    const lastUp = up[0]!.samples.filter((s) => s.v === 1).at(-1)!.t;
    expect(host.up).to.equal(false);
    expect(host.lastSeenMs).to.equal(lastUp);
    expect(host.stateAtMs).to.equal(lastUp);
    expect(host.hostname).to.equal('gamma');
    expect(host.memoryUsedPercent).to.be.a('number');
  });

  it('returns a host with its filesystems, interfaces and containers', async () => {
    const res = await server.get('/api/v1/hosts/alpha:9100').expect(200);
    expect(res.body.host.instance).to.equal('alpha:9100');
    expect(res.body.filesystems.map((f: { mountpoint: string }) => f.mountpoint)).to.deep.equal(['/', '/boot', '/data']);
    expect(res.body.filesystems[0].usedPercent).to.be.within(0, 100);
    expect(res.body.containers.map((c: { name: string }) => c.name)).to.deep.equal(['cache', 'db', 'web']);
  });

  it('answers an unknown host with a JSON 404 naming the instance', async () => {
    const res = await server.get('/api/v1/hosts/nope:9100').expect(404);
    expect(res.body.error.code).to.equal('not_found');
    expect(res.body.error.message).to.contain('nope:9100');
  });

  it('refuses an unknown query parameter with a 400 naming it', async () => {
    const res = await server.get('/api/v1/hosts').query({ sort: 'cpu' }).expect(400);
    expect(res.body.error).to.include({ code: 'bad_request' });
    expect(res.body.error.message).to.contain('"sort"');
  });

  it('refuses an empty filter value', async () => {
    const res = await server.get('/api/v1/containers?instance=').expect(400);
    expect(res.body.error.message).to.contain('"instance" must not be empty');
  });

  it('lists containers with CPU, memory and no limit where cAdvisor reports zero', async () => {
    const res = await server.get('/api/v1/containers').expect(200);
    expect(res.body.containers).to.have.length(3);
    const web = res.body.containers.find((c: { name: string }) => c.name === 'web');
    const db = res.body.containers.find((c: { name: string }) => c.name === 'db');
    expect(web).to.include({ instance: 'alpha:9100', image: 'library/web:latest', memoryLimitBytes: 2 ** 30 });
    expect(db.memoryLimitBytes).to.equal(null);
    expect(web.cpuPercent).to.be.within(0.05 * 100 * 0.2 - 0.5, 0.05 * 100 * 1.8 + 0.5);
    expect(web.memoryBytes).to.be.greaterThan(2 ** 27 * 0.99);
  });

  it('filters containers by instance', async () => {
    const res = await server.get('/api/v1/containers').query({ instance: 'beta:9100' }).expect(200);
    expect(res.body.containers).to.deep.equal([]);
  });

  it('returns no hosts rather than an error when nothing is stored', async () => {
    const empty = createApp({ registry: new Registry(), ready: () => true, routers: [restRouter({ engine, querier: new MemoryStorage(), clock: new ManualClock(NOW) })], log: () => {} });
    const res = await request(empty.callback()).get('/api/v1/hosts').expect(200);
    expect(res.body).to.deep.equal({ hosts: [] });
  });
});


/** Deep equality with a relative tolerance for numbers (the engines may sum in a different order). */
function expectAlike(a: unknown, b: unknown, where: string): void {
  if (typeof a === 'number' && typeof b === 'number') {
    expect(a, where).to.be.closeTo(b, Math.max(1e-9, Math.abs(b) * 1e-9));
  } else if (Array.isArray(a) && Array.isArray(b)) {
    expect(a.length, `${where}.length`).to.equal(b.length);
    a.forEach((x, i) => expectAlike(x, b[i], `${where}[${i}]`));
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    expect(Object.keys(a).sort(), where).to.deep.equal(Object.keys(b).sort());
    for (const k of Object.keys(a)) expectAlike((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
  } else {
    expect(a, where).to.equal(b);
  }
}
