import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { createExporter, EXPORTER_BIN_URL, EXPORTER_NODE_FLAGS, MemoryLogger, runExporterCli } from '@hlmon/exporter';
import { freePort, parseFamilies, sampleValue, tempDir, waitForHttp } from './helpers.js';

/** Runs `fn` with process.stdout/stderr writes captured, so expected usage errors do not clutter the test output. */
async function quietly<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const writes = [process.stdout.write, process.stderr.write];
  let output = '';
  const capture = ((chunk: string | Uint8Array): boolean => {
    output += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { result: await fn(), output };
  } finally {
    [process.stdout.write, process.stderr.write] = writes as [typeof process.stdout.write, typeof process.stderr.write];
  }
}

describe('runExporterCli', () => {
  it('exits with 2 and names the flag when a flag is unknown', async () => {
    const { result, output } = await quietly(() => runExporterCli(['--collector.nosuch']));
    expect(result).to.equal(2);
    expect(output).to.contain('unknown collector "nosuch"');
  });

  it('exits with 2 and names the file when the web config is invalid', async () => {
    const dir = tempDir('cli');
    try {
      writeFileSync(`${dir.path}/web.yml`, 'basic_auth_users:\n  admin: plaintext\n');
      const { result, output } = await quietly(() => runExporterCli([`--web.config.file=${dir.path}/web.yml`]));
      expect(result).to.equal(2);
      expect(output).to.contain(`${dir.path}/web.yml: basic_auth_users.admin is not a bcrypt hash`);
    } finally {
      dir.remove();
    }
  });

  it('serves metrics on --web.listen-address until its signal aborts, then exits 0', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const { result } = await quietly(async () => {
      const running = runExporterCli([`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.loadavg', '--log.level=warn'], controller.signal);
      const body = await waitForHttp(`http://127.0.0.1:${port}/metrics`, 5000);
      expect(sampleValue(parseFamilies(body), 'node_scrape_collector_success', { collector: 'loadavg' })).to.equal(1);
      controller.abort();
      return running;
    });
    expect(result).to.equal(0);
    const err = await fetch(`http://127.0.0.1:${port}/metrics`).then(() => undefined, (e: Error) => e);
    expect(err).to.be.instanceOf(Error);
  });

  it('exits with 1 and says why when the listen address is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { result, output } = await quietly(() => runExporterCli([`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults']));
      expect(result).to.equal(1);
      expect(output).to.contain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it('prints usage for --help and exits 0', async () => {
    const { result, output } = await quietly(() => runExporterCli(['--help']));
    expect(result).to.equal(0);
    expect(output).to.contain('--web.listen-address');
  });
});

describe('concurrent scrapes', () => {
  it('requests that arrive during a scrape share its result instead of running the collectors again', async () => {
    const exporter = createExporter({ disableDefaults: true, collectors: { loadavg: true }, logger: new MemoryLogger(), platform: 'linux' });
    const texts = await Promise.all([exporter.metrics(), exporter.metrics(), exporter.metrics()]);
    const later = await exporter.metrics();
    // A collector's measured duration identifies the run: the three concurrent requests saw one run, the
    // later request a new one.
    const duration = (t: string): number | undefined => sampleValue(parseFamilies(t), 'node_scrape_collector_duration_seconds', { collector: 'loadavg' });
    expect(new Set(texts.map(duration)).size).to.equal(1);
    expect(duration(later)).not.to.equal(duration(texts[0]!));
    expect(sampleValue(parseFamilies(later), 'hlmon_exporter_scrapes_total')).to.equal(3);
  });
});

describe('the exporter\'s node flags', () => {
  it('are the same in the bin\'s shebang, the systemd unit and EXPORTER_NODE_FLAGS', () => {
    const shebang = readFileSync(EXPORTER_BIN_URL, 'utf8').split('\n')[0]!;
    expect(shebang).to.equal(`#!/usr/bin/env -S node ${EXPORTER_NODE_FLAGS.join(' ')}`);
    const unit = readFileSync(new URL('../dist-files/hlmon-exporter.service', import.meta.url), 'utf8');
    const execStart = unit.split('\n').find((l) => l.startsWith('ExecStart='))!;
    expect(execStart).to.equal(`ExecStart=/usr/bin/node ${EXPORTER_NODE_FLAGS.join(' ')} /usr/lib/node_modules/@hlmon/exporter/bin/hlmon-exporter.js $ARGS`);
  });
});
