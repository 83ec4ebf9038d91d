import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isStaleNaN, Matcher, type Series, TextParser } from '@hlmon/model';
import { parseConfig, Scraper } from '@hlmon/scraper';
import { openTestStore, tempDir, type TempDir, type TestStore } from '@hlmon/testkit';
import { freePort, type Running, startProcess } from './helpers/processes.js';
import { startServer, type TestServer } from './helpers/servers.js';

/**
 * Integration: Debian's node_exporter and blackbox_exporter as targets, real PostgreSQL as the store,
 * uptime checks against loopback servers; everything the scraper writes is read back from the store.
 */
describe('scraper against real exporters and PostgreSQL', function () {
  this.timeout(60_000);
  let nodeExporter: Running;
  let blackbox: Running;
  let web: TestServer;
  let closedPort: number;
  let db: TestStore;
  let dir: TempDir;
  let stored: Series[];
  let scraper: Scraper;

  before(async () => {
    dir = await tempDir('hlmon-scraper-');
    const nodePort = await freePort();
    nodeExporter = await startProcess('/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodePort}`], `http://127.0.0.1:${nodePort}/metrics`);
    const bbPort = await freePort();
    const bbConfig = path.join(dir.path, 'blackbox.yml');
    await writeFile(bbConfig, 'modules:\n  http_2xx:\n    prober: http\n    timeout: 2s\n');
    blackbox = await startProcess('/usr/bin/prometheus-blackbox-exporter', [`--web.listen-address=127.0.0.1:${bbPort}`, `--config.file=${bbConfig}`], `http://127.0.0.1:${bbPort}/`);
    web = await startServer((_req, res) => res.end('hello from the NAS\n'));
    closedPort = await freePort();
    db = await openTestStore('postgres');

    const yaml = `
scrape_configs:
  - job_name: node
    scrape_interval: 1s
    scrape_timeout: 900ms
    static_configs: [{ targets: ['127.0.0.1:${nodePort}'], labels: { room: attic } }]
  - job_name: blackbox
    scrape_interval: 1s
    scrape_timeout: 900ms
    metrics_path: /probe
    params: { module: [http_2xx] }
    static_configs: [{ targets: ['http://${web.address}/', 'http://127.0.0.1:${closedPort}/'] }]
    relabel_configs:
      - { source_labels: [__address__], target_label: __param_target }
      - { source_labels: [__param_target], target_label: instance }
      - { target_label: __address__, replacement: '127.0.0.1:${bbPort}' }
checks:
  - { name: nas-web, type: http, target: 'http://${web.address}/', interval: 1s, timeout: 900ms, http: { keyword: NAS } }
  - { name: nas-ssh, type: tcp, target: '127.0.0.1:${closedPort}', interval: 1s, timeout: 900ms }
`;
    const cfg = parseConfig(yaml, 'hlmon.yml', { env: {} });
    if (cfg.errors) throw new Error(JSON.stringify(cfg.errors));
    scraper = new Scraper({ appender: () => db.store.appender(), dataDir: dir.path });
    const checks: string[] = [];
    scraper.on('check', (c) => checks.push(c.name));
    expect((await scraper.applyConfig(cfg.config)).errors).to.deep.equal([]);
    await scraper.start();
    // Two rounds of every target and check.
    await new Promise((r) => setTimeout(r, 2600));
    await scraper.stop();
    expect(checks).to.include.members(['nas-web', 'nas-ssh']);
    stored = await db.store.querier().select([new Matcher('=~', '__name__', '.+')], { start: 0, end: Date.now() + 60_000 });
  });

  after(async () => {
    await nodeExporter?.stop();
    await blackbox?.stop();
    await web?.close();
    await db?.dispose();
    await dir?.remove();
  });

  function find(labels: Record<string, string>): Series[] {
    return stored.filter((s) => Object.entries(labels).every(([k, v]) => s.labels.get(k) === v));
  }
  function lastValue(labels: Record<string, string>): number | undefined {
    const s = find(labels);
    if (s.length !== 1) throw new Error(`expected one series for ${JSON.stringify(labels)}, got ${s.length}`);
    const samples = s[0]!.samples.filter((x) => !isStaleNaN(x.v));
    return samples.at(-1)?.v;
  }

  it('stores node_exporter samples with job, instance and target labels', () => {
    const cpu = find({ __name__: 'node_cpu_seconds_total', job: 'node', room: 'attic' });
    expect(cpu.length).to.be.greaterThan(0);
    expect(lastValue({ __name__: 'up', job: 'node' })).to.equal(1);
    expect(lastValue({ __name__: 'scrape_samples_scraped', job: 'node' })).to.be.greaterThan(100);
  });

  it('stores at least two scrapes of the node exporter', () => {
    expect(find({ __name__: 'up', job: 'node' })[0]!.samples.length).to.be.greaterThanOrEqual(2);
  });

  it('probes through blackbox_exporter with the URL as instance', () => {
    expect(lastValue({ __name__: 'probe_success', job: 'blackbox', instance: `http://${web.address}/` })).to.equal(1);
    expect(lastValue({ __name__: 'probe_success', job: 'blackbox', instance: `http://127.0.0.1:${closedPort}/` })).to.equal(0);
    expect(lastValue({ __name__: 'up', job: 'blackbox', instance: `http://127.0.0.1:${closedPort}/` })).to.equal(1);
  });

  it('stores check results with job="check", check and instance labels', () => {
    expect(lastValue({ __name__: 'probe_success', job: 'check', check: 'nas-web', instance: `http://${web.address}/` })).to.equal(1);
    expect(lastValue({ __name__: 'probe_http_status_code', job: 'check', check: 'nas-web' })).to.equal(200);
    expect(lastValue({ __name__: 'probe_success', job: 'check', check: 'nas-ssh' })).to.equal(0);
  });

  it('stores the failure reason of a failed check', () => {
    const info = find({ __name__: 'probe_failure_info', check: 'nas-ssh' });
    expect(info.map((s) => s.labels.get('reason'))).to.deep.equal([`connect ECONNREFUSED 127.0.0.1:${closedPort}`]);
  });

  it('serves its self metrics in the text format', () => {
    const names = new Set<string>();
    const parser = new TextParser(scraper.metricsText());
    for (let k = parser.next(); k !== 'eof'; k = parser.next()) if (k === 'series') names.add(parser.metricName());
    expect([...names]).to.include.members(['hlmon_scraper_targets', 'hlmon_scraper_lag_seconds', 'hlmon_write_buffered_samples', 'hlmon_write_spool_bytes', 'hlmon_write_errors_total']);
  });

  it('reports target health for the API', () => {
    const node = scraper.targets().find((t) => t.job === 'node')!;
    expect(node.health).to.equal('up');
    expect(node.lastError).to.equal('');
    expect(node.discoveredLabels.get('__address__')).to.match(/^127\.0\.0\.1:\d+$/);
    expect(node.labels.get('room')).to.equal('attic');
  });
});
