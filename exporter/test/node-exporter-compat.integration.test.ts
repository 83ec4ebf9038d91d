import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { createExporter, MemoryLogger } from '@hlmon/exporter';
import { freePort, parseFamilies, sampleValue, startProcess, tempDir, waitForHttp, type ParsedFamily } from './helpers.js';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

function labelNames(f: ParsedFamily): string {
  return [...new Set(f.metrics.flatMap((m) => Object.keys(m.labels ?? {})))].sort().join(',');
}

describe('compatibility with Debian\'s prometheus-node-exporter 1.5 on the same machine', function () {
  this.timeout(30_000);
  let theirs: Map<string, ParsedFamily>;
  let ours: Map<string, ParsedFamily>;
  let textfiles: ReturnType<typeof tempDir>;

  before(async () => {
    textfiles = tempDir('compat');
    writeFileSync(`${textfiles.path}/backup.prom`, '# HELP backup_ok Last backup succeeded.\n# TYPE backup_ok gauge\nbackup_ok{target="nas"} 1\nbackup_bytes 12345\n');
    const port = await freePort();
    const nodeExporter = startProcess(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`, `--collector.textfile.directory=${textfiles.path}`]);
    try {
      theirs = parseFamilies(await waitForHttp(`http://127.0.0.1:${port}/metrics`, 10_000, nodeExporter));
    } finally {
      await nodeExporter.stop();
    }
    const exporter = createExporter({ logger: new MemoryLogger(), textfileDirectory: textfiles.path });
    ours = parseFamilies(await exporter.metrics());
  });
  after(() => textfiles.remove());

  it('exports textfile metrics, their HELP and the file mtime exactly as node_exporter does', () => {
    // Values are compared as numbers: Go writes 1.795719948e+09 where JavaScript writes 1795719948.
    const normalise = (f: ParsedFamily | undefined): unknown => f && { ...f, metrics: f.metrics.map((m) => ({ ...m, value: Number(m.value) })) };
    for (const name of ['backup_ok', 'backup_bytes', 'node_textfile_mtime_seconds', 'node_textfile_scrape_error']) {
      expect(normalise(ours.get(name)), name).to.deep.equal(normalise(theirs.get(name)));
    }
  });

  it('shares the core families dashboards use', () => {
    const core = ['node_cpu_seconds_total', 'node_load1', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes',
      'node_network_receive_bytes_total', 'node_disk_read_bytes_total', 'node_uname_info', 'node_os_info', 'node_boot_time_seconds', 'node_time_seconds'];
    for (const name of core) {
      expect(theirs.has(name), `node_exporter lacks ${name}`).to.equal(true);
      expect(ours.has(name), `we lack ${name}`).to.equal(true);
    }
  });

  it('every family both expose has the same type and the same label names', () => {
    const mismatches: string[] = [];
    let shared = 0;
    for (const [name, mine] of ours) {
      const other = theirs.get(name);
      if (other === undefined) continue;
      shared++;
      if (mine.type !== other.type) mismatches.push(`${name}: type ${mine.type} vs node_exporter ${other.type}`);
      if (labelNames(mine) !== labelNames(other)) mismatches.push(`${name}: labels {${labelNames(mine)}} vs node_exporter {${labelNames(other)}}`);
    }
    expect(mismatches).to.deep.equal([]);
    expect(shared).to.be.greaterThan(100);
  });

  it('MemTotal, boot time and the number of CPUs agree exactly', () => {
    expect(sampleValue(ours, 'node_memory_MemTotal_bytes')).to.equal(sampleValue(theirs, 'node_memory_MemTotal_bytes'));
    expect(sampleValue(ours, 'node_boot_time_seconds')).to.equal(sampleValue(theirs, 'node_boot_time_seconds'));
    const cpus = (f: Map<string, ParsedFamily>): number => new Set(f.get('node_cpu_seconds_total')!.metrics.map((m) => m.labels!.cpu)).size;
    expect(cpus(ours)).to.equal(cpus(theirs));
  });

  it('filesystem sizes agree for every mount point both report', () => {
    const sizes = (f: Map<string, ParsedFamily>): Map<string, string> => new Map(f.get('node_filesystem_size_bytes')!.metrics.map((m) => [`${m.labels!.device} ${m.labels!.mountpoint}`, String(Number(m.value))]));
    const mine = sizes(ours);
    const other = sizes(theirs);
    const both = [...other.keys()].filter((k) => mine.has(k));
    expect(both.some((k) => k.endsWith(' /')), `root filesystem missing from ${[...mine.keys()].join(', ')}`).to.equal(true);
    for (const k of both) expect(mine.get(k), k).to.equal(other.get(k));
  });

  it('uname and os info labels agree', () => {
    expect(ours.get('node_uname_info')!.metrics[0]!.labels).to.deep.equal(theirs.get('node_uname_info')!.metrics[0]!.labels);
    expect(ours.get('node_os_info')!.metrics[0]!.labels).to.deep.equal(theirs.get('node_os_info')!.metrics[0]!.labels);
  });
});
