import { expect } from 'chai';
import { instanceHost, targetsOfHost, type TargetRow } from '../src/targets-data.js';

const target = (job: string, instance: string, labels: Record<string, string> = {}): TargetRow => ({
  job, instance, up: true, durationSeconds: 0.01, lastScrapeMs: 0, lastError: '', labels: { job, instance, ...labels }, scrapeUrl: '',
});

describe('targets of a host', () => {
  it('reads the host part of an instance', () => {
    expect(['nas:9100', 'NAS.lan:8080', '[::1]:9100', 'https://nas.lan/health', 'e2e-host'].map(instanceHost))
      .to.deep.equal(['nas', 'nas.lan', '::1', 'nas.lan', 'e2e-host']);
  });

  it('takes its own instance, the same host on another port, its node name, and a host label', () => {
    const rows = [
      target('node', 'nas:9100'), target('cadvisor', 'nas:8080'), target('cadvisor', 'pi:8080'),
      target('smart', 'nas-box.lan:9633'), target('blackbox', '10.0.0.5:9115', { host: 'nas-box.lan' }), target('blackbox', '10.0.0.6:9115', { host: 'pi' }),
    ];
    expect(targetsOfHost(rows, { instance: 'nas:9100', hostname: 'nas-box.lan' }).map((r) => `${r.job} ${r.instance}`))
      .to.deep.equal(['node nas:9100', 'cadvisor nas:8080', 'smart nas-box.lan:9633', 'blackbox 10.0.0.5:9115']);
  });

  it('pairs targets on localhost with a host at localhost (all scraped on hlmon\'s own machine), by name only', () => {
    const rows = [target('node', 'localhost:9100'), target('hlmon', 'localhost:9090'), target('switches', '127.0.0.1:8000')];
    expect(targetsOfHost(rows, { instance: 'localhost:9100', hostname: 'nas' }).map((r) => r.job)).to.deep.equal(['node', 'hlmon']);
  });
});
