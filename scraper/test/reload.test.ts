import { expect } from 'chai';
import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConfigReloader, parseConfig, Scraper } from '@hlmon/scraper';
import { SwitchableStore } from './helpers/memory-appender.js';

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

function config(yaml: string, file = 'hlmon.yml') {
  const r = parseConfig(yaml, file, { env: {} });
  if (r.errors) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.config;
}

describe('scraper configuration changes', () => {
  let dir: string;
  let scraper: Scraper;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-reload-'));
    scraper = new Scraper({ appender: new SwitchableStore().appender, dataDir: dir });
  });
  afterEach(() => scraper.stop(100));

  it('adds and removes targets when the config changes', async () => {
    await scraper.applyConfig(config('scrape_configs:\n  - job_name: a\n    static_configs: [{ targets: ["127.0.0.1:1", "127.0.0.1:2"] }]\n'));
    expect(scraper.targets().map((t) => t.url).sort()).to.deep.equal(['http://127.0.0.1:1/metrics', 'http://127.0.0.1:2/metrics']);
    await scraper.applyConfig(config('scrape_configs:\n  - job_name: a\n    static_configs: [{ targets: ["127.0.0.1:2"] }]\n'));
    expect(scraper.targets().map((t) => t.url)).to.deep.equal(['http://127.0.0.1:2/metrics']);
  });

  it('lists targets dropped by relabeling with the reason', async () => {
    await scraper.applyConfig(config('scrape_configs:\n  - job_name: a\n    static_configs: [{ targets: ["keep:1", "drop:2"] }]\n    relabel_configs: [{ source_labels: [__address__], regex: "drop:.*", action: drop }]\n'));
    expect(scraper.targets().map((t) => t.labels.get('instance'))).to.deep.equal(['keep:1']);
    expect(scraper.droppedTargets().map((t) => [t.discoveredLabels.get('__address__'), t.reason])).to.deep.equal([['drop:2', 'dropped by relabeling']]);
  });

  it('rejects a config it cannot apply and keeps the running one', async () => {
    await scraper.applyConfig(config('scrape_configs:\n  - job_name: a\n    static_configs: [{ targets: ["127.0.0.1:1"] }]\n'));
    const bad = config(`scrape_configs:\n  - job_name: b\n    tls_config: { ca_file: ${path.join(dir, 'missing-ca.pem')} }\n    static_configs: [{ targets: ["127.0.0.1:2"] }]\n`);
    const r = await scraper.applyConfig(bad);
    expect(r.errors).to.have.length(1);
    expect(r.errors[0]).to.match(/^scrape config "b": ENOENT/);
    expect(scraper.targets().map((t) => t.job)).to.deep.equal(['a']);
  });

  it('discovers targets from file_sd files and follows their changes', async () => {
    const sdFile = path.join(dir, 'targets.json');
    await writeFile(sdFile, JSON.stringify([{ targets: ['10.0.0.1:9100'], labels: { rack: 'r1' } }]));
    await scraper.applyConfig(config(`scrape_configs:\n  - job_name: files\n    file_sd_configs: [{ files: ["${dir}/*.json"] }]\n`, path.join(dir, 'hlmon.yml')));
    const t = scraper.targets();
    expect(t.map((x) => x.labels.toObject())).to.deep.equal([{ instance: '10.0.0.1:9100', job: 'files', rack: 'r1' }]);
    expect(t[0]!.discoveredLabels.get('__meta_filepath')).to.equal(sdFile);
    // Written as editors do: a temporary file renamed over the old one.
    await writeFile(sdFile + '.tmp', JSON.stringify([{ targets: ['10.0.0.2:9100'] }]));
    await rename(sdFile + '.tmp', sdFile);
    await until(() => scraper.targets()[0]?.labels.get('instance') === '10.0.0.2:9100', 'the new target');
  });

  it('keeps the last good targets of a file_sd file that becomes invalid', async () => {
    const sdFile = path.join(dir, 'targets.yml');
    await writeFile(sdFile, '- targets: ["10.0.0.1:9100"]\n');
    await scraper.applyConfig(config(`scrape_configs:\n  - job_name: files\n    file_sd_configs: [{ files: ["${sdFile}"], refresh_interval: 50ms }]\n`));
    await writeFile(sdFile, '- targets: ["10.0.0.2:9100"]\n  lables: {}\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(scraper.targets().map((x) => x.labels.get('instance'))).to.deep.equal(['10.0.0.1:9100']);
  });

  it('reloads on file change and rejects a bad new config, keeping the old one', async () => {
    const file = path.join(dir, 'hlmon.yml');
    await writeFile(file, 'scrape_configs:\n  - job_name: a\n    static_configs: [{ targets: ["127.0.0.1:1"] }]\n');
    const reloader = new ConfigReloader({ file, apply: (c) => scraper.applyConfig(c), env: {} });
    expect((await reloader.reload()).ok).to.equal(true);
    reloader.start();
    try {
      await writeFile(file, 'scrape_configs:\n  - job_name: b\n    scrape_interval: soon\n');
      await until(() => !reloader.last.ok, 'the rejected reload');
      expect(reloader.last.errors).to.deep.equal([`${file}:3:22: scrape_configs[0].scrape_interval: invalid duration "soon": expected a number at offset 0`]);
      expect(scraper.targets().map((t) => t.job)).to.deep.equal(['a']);
      await writeFile(file, 'scrape_configs:\n  - job_name: c\n    static_configs: [{ targets: ["127.0.0.1:3"] }]\n');
      await until(() => scraper.targets()[0]?.job === 'c', 'the good reload');
    } finally {
      reloader.stop();
    }
  });
});
