import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Labels, Matcher } from '@hlmon/model';
import { loadConfigFile, Scraper } from '@hlmon/scraper';
import { openTestStore, tempDir, type TempDir, type TestStore } from '@hlmon/testkit';
import { freePort, type Running, startProcess } from './helpers/processes.js';

/**
 * Differential: Debian's Prometheus 2.42 and hlmon read the same prometheus.yml, scrape the same
 * node_exporter with the same target and metric relabeling, and must store the same label sets.
 */
describe('differential against Prometheus 2.42', function () {
  this.timeout(90_000);
  let dir: TempDir;
  let nodeExporter: Running;
  let prometheus: Running;
  let db: TestStore;
  let promPort: number;
  let hlmonKeys: string[];
  let promKeys: string[];
  let promMetadata: Record<string, unknown[]>;
  let hlmonMetadata: Record<string, unknown[]>;

  before(async () => {
    dir = await tempDir('hlmon-diff-');
    const nodePort = await freePort();
    nodeExporter = await startProcess('/usr/bin/prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nodePort}`], `http://127.0.0.1:${nodePort}/metrics`);
    const file = path.join(dir.path, 'prometheus.yml');
    await writeFile(file, `
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:${nodePort}']
        labels: { room: Attic, __meta_rack: r7 }
    relabel_configs:
      - { source_labels: [__address__], regex: '(.*):\\d+', target_label: host, replacement: '\${1}' }
      - { source_labels: [room], target_label: room_lc, action: lowercase }
      - { source_labels: [__address__], target_label: shard, modulus: 8, action: hashmod }
      - { regex: '__meta_(.+)', action: labelmap, replacement: 'meta_\${1}' }
      - { source_labels: [room], target_label: floor, replacement: top }
    metric_relabel_configs:
      - { source_labels: [__name__], regex: 'go_.*|promhttp_.*', action: drop }
      - { regex: 'collector', action: labeldrop }
      - { source_labels: [__name__, mode], separator: '@', regex: 'node_cpu_seconds_total@(idle|user)', target_label: busy, replacement: '\${1}' }
      - { source_labels: [device], target_label: DEVICE, action: uppercase }
      - { source_labels: [job], target_label: job, action: keepequal }
`);
    promPort = await freePort();
    prometheus = await startProcess('/usr/bin/prometheus', [
      `--config.file=${file}`, `--storage.tsdb.path=${path.join(dir.path, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`,
    ], `http://127.0.0.1:${promPort}/-/ready`, 30_000);
    // Prometheus hands discovered targets to its scrape manager on a 5 s tick: wait for its first scrape.
    for (let i = 0; ; i++) {
      const t = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string }[] } };
      if (t.data.activeTargets[0]?.health === 'up') break;
      if (i > 200) throw new Error(`Prometheus never scraped: ${prometheus.stderr()}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    db = await openTestStore('postgres');
    const loaded = await loadConfigFile(file, { env: {} });
    if (loaded.errors) throw new Error(JSON.stringify(loaded.errors));
    const scraper = new Scraper({ appender: () => db.store.appender(), dataDir: dir.path });
    await scraper.applyConfig(loaded.config);
    await scraper.start();
    await new Promise((r) => setTimeout(r, 3000));
    hlmonMetadata = Object.fromEntries(scraper.metadata());
    await scraper.stop();
    promMetadata = ((await (await fetch(`http://127.0.0.1:${promPort}/api/v1/metadata`)).json()) as { data: Record<string, unknown[]> }).data;

    const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/series?match[]=${encodeURIComponent('{job="node"}')}`);
    const body = (await res.json()) as { data: Record<string, string>[] };
    promKeys = body.data.map((o) => Labels.from(o).key).sort();
    hlmonKeys = (await db.store.querier().series([[new Matcher('=', 'job', 'node')]])).map((l) => l.key).sort();
  });

  after(async () => {
    await prometheus?.stop();
    await nodeExporter?.stop();
    await db?.dispose();
    await dir?.remove();
  });

  it('both scraped a few hundred series', () => {
    expect(promKeys.length).to.be.greaterThan(200);
    expect(hlmonKeys.length).to.be.greaterThan(200);
  });

  it('stores exactly the label sets Prometheus stores', () => {
    const prom = new Set(promKeys);
    const ours = new Set(hlmonKeys);
    const onlyProm = promKeys.filter((k) => !ours.has(k));
    const onlyOurs = hlmonKeys.filter((k) => !prom.has(k));
    expect({ onlyProm, onlyOurs }).to.deep.equal({ onlyProm: [], onlyOurs: [] });
  });

  it('keeps the same metric metadata (type, help, unit) as Prometheus serves on /api/v1/metadata', () => {
    expect(Object.keys(hlmonMetadata).length).to.be.greaterThan(100);
    expect(hlmonMetadata).to.deep.equal(promMetadata);
  });
});
