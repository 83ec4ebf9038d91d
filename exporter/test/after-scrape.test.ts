import { expect } from 'chai';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createExporter, MemoryLogger } from '@hlmon/exporter';
import { FIXTURES } from './helpers.js';

function exporterWith(afterScrape: () => void, logger = new MemoryLogger()) {
  return createExporter({
    disableDefaults: true, collectors: { loadavg: true }, paths: { procfs: `${FIXTURES}/procfs` },
    logger, platform: 'linux', afterScrape,
  });
}

describe('the after-scrape hook', () => {
  it('runs once after a scrape, on a later turn of the event loop than the scrape', async () => {
    let calls = 0;
    const exporter = exporterWith(() => calls++);
    await exporter.metrics();
    expect(calls).to.equal(0);
    await nextTurn();
    expect(calls).to.equal(1);
  });

  it('runs once for requests that share one scrape', async () => {
    let calls = 0;
    const exporter = exporterWith(() => calls++);
    await Promise.all([exporter.metrics(), exporter.metrics('openmetrics')]);
    await nextTurn();
    expect(calls).to.equal(1);
  });

  it('logs a failing hook and keeps serving', async () => {
    const logger = new MemoryLogger();
    const exporter = exporterWith(() => { throw new Error('no gc here'); }, logger);
    await exporter.metrics();
    await nextTurn();
    expect(await exporter.metrics()).to.contain('node_load1 ');
    expect(logger.lines).to.deep.equal(['warn: after-scrape hook failed: no gc here']);
  });
});
