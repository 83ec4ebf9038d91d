import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ManualClock } from '@hlmon/model';
import { createExporter, MemoryLogger } from '@hlmon/exporter';
import { FIXTURES, parseFamilies, sampleValue, startProcess, tempDir, type ParsedFamily } from './helpers.js';

const API = `${FIXTURES}/docker-api`;

/** Options for the fake engine: which container ids never answer stats, and a counter of concurrent stats calls. */
interface FakeEngine {
  server: Server;
  maxInFlight: number;
  statsCalls: number;
}

/**
 * A Docker Engine API stand-in on a Unix socket that serves responses written from the Docker API
 * documentation's examples (see fixtures/docker-api/README.md). Container ids listed in `hang` never get an
 * answer to their stats call, to exercise the per-call timeout.
 */
async function startFakeEngine(socketPath: string, containers: unknown[], hang: Set<string> = new Set()): Promise<FakeEngine> {
  const stats = readFileSync(`${API}/stats.json`, 'utf8');
  const inspect = readFileSync(`${API}/inspect.json`, 'utf8');
  const engine: FakeEngine = { server: undefined as unknown as Server, maxInFlight: 0, statsCalls: 0 };
  let inFlight = 0;
  engine.server = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/v[\d.]+/, '').split('?')[0]!;
    const json = (body: string): void => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body);
    };
    if (path === '/containers/json') return json(JSON.stringify(containers));
    const m = /^\/containers\/([^/]+)\/(stats|json)$/.exec(path);
    if (m === null) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      return res.end('{"message":"page not found"}');
    }
    if (m[2] === 'json') return json(inspect);
    engine.statsCalls++;
    if (hang.has(m[1]!)) return; // Never answers.
    inFlight++;
    engine.maxInFlight = Math.max(engine.maxInFlight, inFlight);
    // Hold each answer briefly so that an unbounded client would have every call in flight at once.
    setTimeout(() => {
      inFlight--;
      json(stats);
    }, 50);
  });
  await new Promise<void>((resolve) => engine.server.listen(socketPath, resolve));
  return engine;
}

function stopEngine(engine: FakeEngine): Promise<void> {
  engine.server.closeAllConnections();
  return new Promise((resolve) => engine.server.close(() => resolve()));
}

async function scrapeDocker(socketPath: string, extra: { concurrency?: number; callTimeoutMs?: number } = {}): Promise<Map<string, ParsedFamily>> {
  const exporter = createExporter({
    disableDefaults: true, collectors: { docker: true }, docker: { socketPath, ...extra }, logger: new MemoryLogger(),
    platform: 'linux', clock: new ManualClock(1_700_000_000_000), disableExporterMetrics: true,
  });
  try {
    return parseFamilies(await exporter.metrics());
  } finally {
    await exporter.stop();
  }
}

describe('docker collector against Docker API responses written from the API documentation examples (no engine can run containers here)', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: FakeEngine | undefined;
  const containers = JSON.parse(readFileSync(`${API}/containers.json`, 'utf8')) as Array<{ Id: string }>;
  beforeEach(() => { dir = tempDir('docker'); });
  afterEach(async () => {
    if (engine !== undefined) await stopEngine(engine);
    engine = undefined;
    dir.remove();
  });

  it('reports cAdvisor metric names with id, name and image labels for running containers only', async () => {
    engine = await startFakeEngine(`${dir.path}/docker.sock`, containers);
    const f = await scrapeDocker(`${dir.path}/docker.sock`);
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'docker' })).to.equal(1);
    const labels = f.get('container_cpu_usage_seconds_total')!.metrics.map((m) => m.labels);
    expect(labels).to.deep.equal([
      { id: '/docker/8dfafdbc3a40', image: 'ubuntu:latest', name: 'boring_feynman' },
      { id: '/docker/9cd87474be90', image: 'ubuntu:latest', name: 'coolName' },
    ]);
    expect(f.get('container_cpu_usage_seconds_total')!.type).to.equal('COUNTER');
  });

  it('converts CPU nanoseconds to seconds and computes the working set without inactive file cache', async () => {
    engine = await startFakeEngine(`${dir.path}/docker.sock`, containers);
    const f = await scrapeDocker(`${dir.path}/docker.sock`);
    const one = { name: 'boring_feynman' };
    expect(sampleValue(f, 'container_cpu_usage_seconds_total', one)).to.equal(0.100215355);
    expect(sampleValue(f, 'container_memory_usage_bytes', one)).to.equal(6537216);
    expect(sampleValue(f, 'container_memory_working_set_bytes', one)).to.equal(6537216 - 1048576);
    expect(sampleValue(f, 'container_spec_memory_limit_bytes', one)).to.equal(67108864);
    expect(sampleValue(f, 'container_start_time_seconds', one)).to.equal(Date.parse('2015-01-06T15:47:32.072697474Z') / 1000);
    expect(sampleValue(f, 'container_last_seen', one)).to.equal(1_700_000_000);
  });

  it('reports network bytes per interface', async () => {
    engine = await startFakeEngine(`${dir.path}/docker.sock`, containers);
    const f = await scrapeDocker(`${dir.path}/docker.sock`);
    expect(sampleValue(f, 'container_network_receive_bytes_total', { name: 'coolName', interface: 'eth5' })).to.equal(4641);
    expect(sampleValue(f, 'container_network_transmit_bytes_total', { name: 'coolName', interface: 'eth0' })).to.equal(648);
  });

  it('keeps at most the configured number of stats calls in flight', async () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ ...containers[0], Id: `c${i}`, Names: [`/c${i}`] }));
    engine = await startFakeEngine(`${dir.path}/docker.sock`, many);
    const f = await scrapeDocker(`${dir.path}/docker.sock`, { concurrency: 2 });
    expect(f.get('container_cpu_usage_seconds_total')!.metrics).to.have.length(8);
    expect(engine.statsCalls).to.equal(8);
    expect(engine.maxInFlight).to.be.at.most(2);
  });

  it('a container whose stats never answer is skipped after the call timeout and the others are still reported', async () => {
    engine = await startFakeEngine(`${dir.path}/docker.sock`, containers, new Set(['9cd87474be90']));
    const f = await scrapeDocker(`${dir.path}/docker.sock`, { callTimeoutMs: 200 });
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'docker' })).to.equal(1);
    expect(sampleValue(f, 'container_cpu_usage_seconds_total', { name: 'boring_feynman' })).to.be.greaterThan(0);
    expect(sampleValue(f, 'container_cpu_usage_seconds_total', { name: 'coolName' })).to.equal(undefined);
    expect(sampleValue(f, 'container_last_seen', { name: 'coolName' })).to.equal(1_700_000_000);
    expect(sampleValue(f, 'hlmon_exporter_container_stats_failures_total')).to.equal(1);
  });
});

const podman = spawnSync('sh', ['-c', 'command -v podman'], { encoding: 'utf8' }).stdout.trim();

describe('docker collector against a real Podman API service (podman system service)', function () {
  let dir: ReturnType<typeof tempDir>;
  before(function () {
    // Podman is not part of the project's machine image; where it is installed, this talks to the real engine.
    if (podman === '') this.skip();
    dir = tempDir('podman');
  });
  after(() => dir?.remove());

  it('lists the engine\'s containers through its Docker-compatible API and reports success', async () => {
    const socket = `${dir.path}/podman.sock`;
    const service = startProcess(podman, ['system', 'service', '--time=0', `unix://${socket}`]);
    try {
      for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
      const f = await scrapeDocker(socket);
      expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'docker' }), service.output()).to.equal(1);
    } finally {
      await service.stop();
    }
  });
});
