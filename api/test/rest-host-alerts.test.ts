import { expect } from 'chai';
import request from 'supertest';
import { Registry } from 'prom-client';
import { Labels, ManualClock } from '@hlmon/model';
import { Engine, MemoryStorage } from '@hlmon/query';
import { createApp, restRouter, type RulesView } from '@hlmon/api';
import { generateHosts, type HostSpec } from '../../webui/test/support/host-data.js';

const MINUTE = 60_000;
const NOW = Math.floor(Date.now() / MINUTE) * MINUTE;
const HOSTS: HostSpec[] = [
  { instance: 'alpha:9100', hostname: 'alpha', seed: 1 },
  { instance: 'beta:9100', hostname: 'beta', seed: 2 },
];

/** A rules view holding fixed alerts, shaped as the rules manager reports them. */
function rulesWith(alerts: { labels: Record<string, string>; state: string; activeAtMs: number }[]): RulesView {
  return {
    groups: () => [{
      status: () => ({ name: 'hosts', file: 'hosts.yml', intervalMs: 15_000, lastEvaluationMs: NOW, evaluationDurationMs: 1 }),
      rules: [{
        name: 'HostProblem',
        spec: { expr: 'up == 0' },
        status: () => ({ health: 'ok', lastError: '', evaluationDurationMs: 1, lastEvaluationMs: NOW }),
        alerts: () => alerts.map((a) => ({ labels: Labels.from(a.labels), annotations: { summary: `${a.labels.alertname} on ${a.labels.instance}` }, state: a.state, value: 1, activeAtMs: a.activeAtMs, resolvedAtMs: 0 })),
      }],
    }],
  };
}

describe('REST /api/v1/hosts firing alerts', function () {
  this.timeout(30_000);
  let server: ReturnType<typeof request>;

  before(async () => {
    const storage = new MemoryStorage();
    const appender = storage.appender();
    for (const s of generateHosts(HOSTS, NOW - 30 * MINUTE, NOW)) appender.append(s.labels, s.t, s.v);
    await appender.commit();
    const clock = new ManualClock(NOW);
    const rules = rulesWith([
      { labels: { alertname: 'DiskFull', severity: 'critical', instance: 'alpha:9100', job: 'node' }, state: 'firing', activeAtMs: NOW - 5 * MINUTE },
      { labels: { alertname: 'HighLoad', instance: 'alpha:9100', job: 'node' }, state: 'firing', activeAtMs: NOW - 9 * MINUTE },
      { labels: { alertname: 'MemoryLow', instance: 'alpha:9100', job: 'node' }, state: 'pending', activeAtMs: NOW - MINUTE },
      { labels: { alertname: 'SiteDown', instance: 'https://beta.lan' }, state: 'firing', activeAtMs: NOW - MINUTE },
    ]);
    server = request(createApp({
      registry: new Registry(), ready: () => true, log: () => {},
      routers: [restRouter({ engine: new Engine({ querier: storage, clock }), querier: storage, clock, rules })],
    }).callback());
  });

  it('lists on each host the firing alerts whose instance label is the host, oldest first', async () => {
    const res = await server.get('/api/v1/hosts').expect(200);
    const byInstance = Object.fromEntries((res.body.hosts as { instance: string; alerts: { alertname: string; severity: string | null; activeAtMs: number }[] }[]).map((h) => [h.instance, h.alerts]));
    expect(byInstance['alpha:9100']!.map((a) => [a.alertname, a.severity, a.activeAtMs])).to.deep.equal([
      ['HighLoad', null, NOW - 9 * MINUTE],
      ['DiskFull', 'critical', NOW - 5 * MINUTE],
    ]);
    expect(byInstance['beta:9100']).to.deep.equal([]);
  });

  it('carries the firing alerts on the single host answer too, with labels and annotations', async () => {
    const res = await server.get('/api/v1/hosts/alpha:9100').expect(200);
    expect(res.body.host.alerts).to.have.length(2);
    expect(res.body.host.alerts[1]).to.deep.include({ labels: { alertname: 'DiskFull', severity: 'critical', instance: 'alpha:9100', job: 'node' }, annotations: { summary: 'DiskFull on alpha:9100' } });
  });
});
