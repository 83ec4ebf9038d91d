import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createExporter, MemoryLogger, type ExporterOptions } from '@hlmon/exporter';
import { FIXTURES, parseFamilies, sampleValue, tempDir } from './helpers.js';

/** Durations differ from run to run, and free space on the live root filesystem may move between scrapes. */
function comparable(text: string): string {
  return text.replace(/^node_scrape_collector_duration_seconds\{.*$/gm, '').replace(/^node_filesystem_(free_bytes|avail_bytes|files_free)\{.*$/gm, '');
}

describe('collectors on a worker thread', () => {
  const fixtures: ExporterOptions = {
    paths: { procfs: `${FIXTURES}/procfs`, sysfs: `${FIXTURES}/sysfs`, rootfs: '/' },
    collectors: { time: false },
    disableExporterMetrics: true,
    platform: 'linux',
  };

  it('gives exactly the output of the same collectors on the main thread, in both formats, scrape after scrape', async () => {
    const inThread = createExporter({ ...fixtures, logger: new MemoryLogger() });
    const withWorker = createExporter({ ...fixtures, logger: new MemoryLogger(), workerThread: true });
    try {
      for (const format of ['text', 'openmetrics', 'text'] as const) {
        const expected = comparable(await inThread.metrics(format));
        const actual = comparable(await withWorker.metrics(format));
        expect(actual).to.equal(expected);
      }
      // The worker's collectors are really in the output: netclass, netstat, filesystem, arp and conntrack.
      const f = parseFamilies(await withWorker.metrics());
      for (const collector of ['netclass', 'netstat', 'filesystem', 'arp', 'conntrack']) {
        expect(sampleValue(f, 'node_scrape_collector_success', { collector }), collector).to.equal(1);
      }
      expect(f.get('node_netstat_Tcp_InSegs')!.type).to.equal('UNTYPED');
      expect(withWorker.enabledCollectors).to.deep.equal(inThread.enabledCollectors);
    } finally {
      await inThread.stop();
      await withWorker.stop();
    }
  });

  it('reports a collector failing in the worker as failed, logs the reason once, and keeps the others', async () => {
    const dir = tempDir('worker');
    // A procfs with only loadavg: netstat (in the worker) cannot read its files, loadavg (main thread) can.
    mkdirSync(`${dir.path}/proc`);
    writeFileSync(`${dir.path}/proc/loadavg`, '0.50 0.25 0.10 1/100 1234\n');
    const logger = new MemoryLogger();
    const exporter = createExporter({ disableDefaults: true, collectors: { netstat: true, loadavg: true }, paths: { procfs: `${dir.path}/proc`, sysfs: `${dir.path}/sys` }, logger, platform: 'linux', workerThread: true });
    try {
      for (let i = 0; i < 3; i++) {
        const f = parseFamilies(await exporter.metrics());
        expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'netstat' })).to.equal(0);
        expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'loadavg' })).to.equal(1);
        expect(sampleValue(f, 'node_load1')).to.equal(0.5);
      }
      expect(exporter.failures().get('netstat')).to.contain(`cannot read ${dir.path}/proc/net/netstat: ENOENT`);
      expect(logger.lines.filter((l) => l.includes('netstat'))).to.have.length(1);
    } finally {
      await exporter.stop();
      dir.remove();
    }
  });

  it('after stop, the worker\'s collectors are reported failed instead of hanging a late scrape', async () => {
    const exporter = createExporter({ ...fixtures, logger: new MemoryLogger(), workerThread: true });
    await exporter.metrics();
    await exporter.stop();
    const f = parseFamilies(await exporter.metrics());
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'netstat' })).to.equal(0);
    expect(sampleValue(f, 'node_scrape_collector_success', { collector: 'loadavg' })).to.equal(1);
  });
});
