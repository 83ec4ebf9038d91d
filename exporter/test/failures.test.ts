import { expect } from 'chai';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { ManualClock } from '@hlmon/model';
import { createExporter, MemoryLogger } from '@hlmon/exporter';
import { FIXTURES, parseFamilies, sampleValue, tempDir } from './helpers.js';

describe('a failing collector never fails the scrape', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => { dir = tempDir('failures'); });
  afterEach(() => dir.remove());

  it('a malformed textfile sets scrape_error 1 and success 0 while good files are still exported', async () => {
    writeFileSync(`${dir.path}/good.prom`, '# TYPE backup_ok gauge\nbackup_ok 1\n');
    writeFileSync(`${dir.path}/bad.prom`, 'broken{ 1\n');
    const logger = new MemoryLogger();
    const exporter = createExporter({ disableDefaults: true, collectors: { textfile: true, loadavg: true }, textfileDirectory: dir.path, logger, platform: 'linux' });
    const f = parseFamilies(await exporter.metrics());
    expect(sampleValue(f, 'node_textfile_scrape_error')).to.equal(1);
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'textfile' })).to.equal(0);
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'loadavg' })).to.equal(1);
    expect(sampleValue(f, 'backup_ok')).to.equal(1);
    expect(f.get('node_textfile_mtime_seconds')!.metrics.map((m) => m.labels!.file)).to.deep.equal([`${dir.path}/good.prom`]);
  });

  it('a textfile family that a collector already exports is dropped and the textfile collector fails', async () => {
    writeFileSync(`${dir.path}/clash.prom`, '# TYPE node_load1 counter\nnode_load1 99\nnode_uname_info 5\nown_metric 1\n');
    const logger = new MemoryLogger();
    const exporter = createExporter({ disableDefaults: true, collectors: { textfile: true, loadavg: true, uname: true }, textfileDirectory: dir.path, logger, platform: 'linux' });
    const f = parseFamilies(await exporter.metrics());
    expect(sampleValue(f, 'node_uname_info')).to.equal(1);
    expect(f.get('node_load1')!.type).to.equal('GAUGE');
    expect(f.get('node_load1')!.metrics).to.have.length(1);
    expect(sampleValue(f, 'own_metric')).to.equal(1);
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'textfile' })).to.equal(0);
    expect(logger.lines[0]).to.contain('dropped families: node_load1 (already exported by collector loadavg), node_uname_info (already exported by collector uname)');
  });

  it('logs a failing collector once, not on every scrape, and logs its recovery', async () => {
    writeFileSync(`${dir.path}/bad.prom`, 'broken 1 2 3\n');
    const logger = new MemoryLogger();
    const exporter = createExporter({ disableDefaults: true, collectors: { textfile: true }, textfileDirectory: dir.path, logger, platform: 'linux' });
    await exporter.metrics();
    await exporter.metrics();
    await exporter.metrics();
    expect(logger.lines.filter((l) => l.startsWith('warn:'))).to.have.length(1);
    expect(logger.lines[0]).to.match(/collector textfile failed: .*bad\.prom: line 1: .*timestamp/);
    rmSync(`${dir.path}/bad.prom`);
    await exporter.metrics();
    expect(logger.lines).to.include('info: collector textfile recovered');
  });

  it('an unreadable /proc file fails only its collector and the reason names the file', async () => {
    // Root can read any mode-000 file, so "unreadable" is made with a directory where the file should be (EISDIR).
    const procfs = `${dir.path}/proc`;
    cpSync(`${FIXTURES}/procfs`, procfs, { recursive: true });
    rmSync(`${procfs}/meminfo`);
    mkdirSync(`${procfs}/meminfo`);
    const logger = new MemoryLogger();
    const exporter = createExporter({ disableDefaults: true, collectors: { meminfo: true, cpu: true }, paths: { procfs }, logger, platform: 'linux' });
    const f = parseFamilies(await exporter.metrics());
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'meminfo' })).to.equal(0);
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'cpu' })).to.equal(1);
    expect(f.has('node_memory_MemTotal_bytes')).to.equal(false);
    expect(logger.lines).to.deep.equal([`warn: collector meminfo failed: cannot read ${procfs}/meminfo: EISDIR`]);
  });

  it('a malformed /proc/meminfo line fails meminfo, naming the line, and keeps the fields before it', async () => {
    const procfs = `${dir.path}/proc`;
    cpSync(`${FIXTURES}/procfs`, procfs, { recursive: true });
    writeFileSync(`${procfs}/meminfo`, 'MemTotal:       16384 kB\n\nMemFree:        oops kB\nHugePages_Total:       0\n');
    const logger = new MemoryLogger();
    const exporter = createExporter({ disableDefaults: true, collectors: { meminfo: true }, paths: { procfs }, logger, platform: 'linux' });
    const f = parseFamilies(await exporter.metrics());
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'meminfo' })).to.equal(0);
    expect(sampleValue(f, 'node_memory_MemTotal_bytes')).to.equal(16384 * 1024);
    expect(logger.lines).to.deep.equal([`warn: collector meminfo failed: ${procfs}/meminfo: malformed line "MemFree:        oops kB"`]);
  });

  it('a truncated /proc file is reported as malformed with its path', async () => {
    const procfs = `${dir.path}/proc`;
    cpSync(`${FIXTURES}/procfs`, procfs, { recursive: true });
    writeFileSync(`${procfs}/loadavg`, 'garbage\n');
    const logger = new MemoryLogger();
    const exporter = createExporter({ disableDefaults: true, collectors: { loadavg: true }, paths: { procfs }, logger, platform: 'linux' });
    const f = parseFamilies(await exporter.metrics());
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'loadavg' })).to.equal(0);
    expect(logger.lines[0]).to.contain(`${procfs}/loadavg: "garbage" is not a number`);
  });

  it('a missing Docker socket fails the docker collector with the socket path in the reason', async () => {
    const logger = new MemoryLogger();
    const exporter = createExporter({
      disableDefaults: true, collectors: { docker: true, loadavg: true }, docker: { socketPath: `${dir.path}/no-such.sock` }, logger, platform: 'linux',
    });
    const f = parseFamilies(await exporter.metrics());
    await exporter.metrics();
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'docker' })).to.equal(0);
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'loadavg' })).to.equal(1);
    expect(logger.lines).to.deep.equal([`warn: collector docker failed: cannot list containers via ${dir.path}/no-such.sock: ENOENT`]);
  });

  it('a collector that exceeds its timeout is reported failed and its late output dropped', async () => {
    // The systemd collector waits on a child process; a 1 ms budget is always exceeded by process start-up.
    const logger = new MemoryLogger();
    const exporter = createExporter({ disableDefaults: true, collectors: { systemd: true }, collectorTimeoutMs: 1, logger, platform: 'linux', clock: new ManualClock(0) });
    const f = parseFamilies(await exporter.metrics());
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'systemd' })).to.equal(0);
    expect(f.has('node_systemd_unit_state')).to.equal(false);
    expect(logger.lines[0]).to.match(/collector systemd failed: (timed out after 1 ms|systemctl)/);
  });
});
