import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createExporter, MemoryLogger, type Exporter, type ListeningServer } from '@hlmon/exporter';
import { FIXTURES, freePort, startProcess, tempDir, waitForHttp, type Started } from './helpers.js';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

/** Runs `promtool check metrics` on exposition text and returns its problem lines. */
function promtoolLint(text: string): { status: number; lines: string[] } {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: r.status ?? -1, lines: (r.stdout + r.stderr).split('\n').map((l) => l.trim()).filter(Boolean) };
}

describe('real Prometheus and promtool (Debian packages) as oracles', function () {
  this.timeout(30_000);
  let dir: ReturnType<typeof tempDir>;
  let exporter: Exporter;
  let server: ListeningServer;

  before(async () => {
    dir = tempDir('prometheus');
    writeFileSync(`${dir.path}/app.prom`, '# HELP backup_last_success_timestamp_seconds Last successful backup.\n# TYPE backup_last_success_timestamp_seconds gauge\nbackup_last_success_timestamp_seconds 1.7e+09\n');
    exporter = createExporter({ textfileDirectory: dir.path, logger: new MemoryLogger() });
    server = await exporter.listen('127.0.0.1', 0);
  });
  after(async () => {
    await exporter.stop();
    dir.remove();
  });

  it('Prometheus scrapes the exporter with up == 1 and no scrape error', async () => {
    const port = await freePort();
    const target = server.url.replace('http://', '');
    writeFileSync(`${dir.path}/prometheus.yml`, `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: hlmon\n    static_configs:\n      - targets: ['${target}']\n`);
    const prometheus: Started = startProcess(PROMETHEUS, [
      `--config.file=${dir.path}/prometheus.yml`, `--storage.tsdb.path=${dir.path}/data`, `--web.listen-address=127.0.0.1:${port}`,
    ]);
    try {
      await waitForHttp(`http://127.0.0.1:${port}/-/ready`, 15_000, prometheus);
      // Wait for a few scrapes: the target's health settles after its first scrape at 1 s intervals.
      let target: { health: string; lastError: string } | undefined;
      let samples = 0;
      for (let i = 0; i < 100; i++) {
        const targets = await (await fetch(`http://127.0.0.1:${port}/api/v1/targets`)).json() as { data: { activeTargets: Array<{ health: string; lastError: string }> } };
        target = targets.data.activeTargets[0];
        const q = await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('count_over_time(up{job="hlmon"}[1m])')}`)).json() as { data: { result: Array<{ value: [number, string] }> } };
        samples = Number(q.data.result[0]?.value[1] ?? 0);
        if (target?.health === 'up' && samples >= 3) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(target, prometheus.output()).to.deep.include({ health: 'up', lastError: '' });
      expect(samples).to.be.at.least(3);
      const up = await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent('min_over_time(up{job="hlmon"}[1m])')}`)).json() as { data: { result: Array<{ value: [number, string] }> } };
      expect(up.data.result[0]?.value[1]).to.equal('1');
      const textfile = await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=backup_last_success_timestamp_seconds`)).json() as { data: { result: unknown[] } };
      expect(textfile.data.result).to.have.length(1);
    } finally {
      await prometheus.stop();
    }
  });

  it('promtool check metrics finds nothing but warnings node_exporter itself gets', async () => {
    const ours = promtoolLint(await exporter.metrics());
    // What node_exporter 1.5 gets: its captured output from a reference machine, from this machine, and live now.
    const allowed = new Set([
      ...promtoolLint(readFileSync(`${FIXTURES}/node_exporter-1.5.txt`, 'utf8')).lines,
      ...promtoolLint(readFileSync(`${FIXTURES}/node_exporter-1.5-this-host.txt`, 'utf8')).lines,
    ]);
    const port = await freePort();
    const nodeExporter = startProcess(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`]);
    try {
      for (const l of promtoolLint(await waitForHttp(`http://127.0.0.1:${port}/metrics`, 10_000, nodeExporter)).lines) allowed.add(l);
    } finally {
      await nodeExporter.stop();
    }
    // Exit status 3 means lint findings only; 1 would mean the text did not parse.
    expect(ours.status === 0 || ours.status === 3, ours.lines.join('\n')).to.equal(true);
    expect(ours.lines.filter((l) => !allowed.has(l))).to.deep.equal([]);
  });
});
