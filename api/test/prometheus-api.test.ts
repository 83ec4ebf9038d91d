import { expect } from 'chai';
import request from 'supertest';
import { Registry } from 'prom-client';
import { Labels, ManualClock, STALE_NAN } from '@hlmon/model';
import { Engine, MemoryStorage } from '@hlmon/query';
import { createApp, prometheusRouter } from '@hlmon/api';

const T0 = 1_700_000_000_000;

async function makeApp() {
  const storage = new MemoryStorage();
  const app = storage.appender();
  for (let i = 0; i <= 40; i++) {
    const t = T0 + i * 15_000;
    for (const cpu of ['0', '1']) {
      for (const mode of ['idle', 'user']) {
        app.append(Labels.from({ __name__: 'node_cpu_seconds_total', instance: 'h1:9100', job: 'node', cpu, mode }), t, i * (mode === 'idle' ? 10 : 3));
      }
    }
    app.append(Labels.from({ __name__: 'node_load1', instance: 'h1:9100', job: 'node' }), t, 0.5 + (i % 4) / 10);
    app.append(Labels.from({ __name__: 'node_uname_info', instance: 'h1:9100', job: 'node', nodename: 'h1', release: '6.1.0' }), t, 1);
  }
  app.append(Labels.from({ __name__: 'gone', job: 'x' }), T0, 1);
  app.append(Labels.from({ __name__: 'gone', job: 'x' }), T0 + 15_000, STALE_NAN);
  await app.commit();
  const clock = new ManualClock(T0 + 600_000);
  const engine = new Engine({ querier: storage });
  const router = prometheusRouter({
    engine, querier: storage, clock, version: 'test',
  });
  return createApp({ registry: new Registry(), ready: () => true, routers: [router], log: () => {} }).callback();
}

describe('Prometheus HTTP API', () => {
  let server: Awaited<ReturnType<typeof makeApp>>;
  before(async () => { server = await makeApp(); });

  it('answers an instant query with the vector envelope and string values', async () => {
    const res = await request(server).get('/prometheus/api/v1/query').query({ query: 'node_load1', time: String((T0 + 600_000) / 1000) });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: { __name__: 'node_load1', instance: 'h1:9100', job: 'node' }, value: [(T0 + 600_000) / 1000, '0.5'] }] },
    });
  });

  it('defaults the evaluation time to now from the injected clock', async () => {
    const res = await request(server).get('/prometheus/api/v1/query').query({ query: 'time()' });
    expect(res.body.data).to.deep.equal({ resultType: 'scalar', result: [(T0 + 600_000) / 1000, String((T0 + 600_000) / 1000)] });
  });

  it('accepts POST forms as Grafana sends them, and RFC 3339 times', async () => {
    const res = await request(server).post('/prometheus/api/v1/query_range').type('form')
      .send({ query: 'sum by (mode) (rate(node_cpu_seconds_total[1m]))', start: new Date(T0 + 60_000).toISOString(), end: String((T0 + 120_000) / 1000), step: '30s' });
    expect(res.status).to.equal(200);
    expect(res.body.data.resultType).to.equal('matrix');
    const idle = res.body.data.result.find((s: { metric: { mode: string } }) => s.metric.mode === 'idle');
    expect(idle.values).to.deep.equal([[(T0 + 60_000) / 1000, '1.3333333333333333'], [(T0 + 90_000) / 1000, '1.3333333333333333'], [(T0 + 120_000) / 1000, '1.3333333333333333']]);
  });

  it('answers the count(count(...) by (cpu)) shape of dashboard 1860', async () => {
    const res = await request(server).get('/prometheus/api/v1/query').query({ query: 'count(count(node_cpu_seconds_total{instance="h1:9100",job="node"}) by (cpu))', time: String((T0 + 600_000) / 1000) });
    expect(res.body.data.result).to.deep.equal([{ metric: {}, value: [(T0 + 600_000) / 1000, '2'] }]);
  });

  it('answers on(instance) group_left joins', async () => {
    const res = await request(server).get('/prometheus/api/v1/query').query({ query: 'node_load1 * on(instance) group_left(nodename) node_uname_info', time: String((T0 + 600_000) / 1000) });
    expect(res.body.data.result).to.deep.equal([{ metric: { instance: 'h1:9100', job: 'node', nodename: 'h1' }, value: [(T0 + 600_000) / 1000, '0.5'] }]);
  });

  it('rejects a malformed query as bad_data with status 400 and a position', async () => {
    const res = await request(server).get('/prometheus/api/v1/query').query({ query: 'sum(rate(x[5m])' });
    expect(res.status).to.equal(400);
    expect(res.body.status).to.equal('error');
    expect(res.body.errorType).to.equal('bad_data');
    expect(res.body.error).to.match(/^\d+:\d+: parse error/);
  });

  it('rejects step 0, a negative range and too many points with Prometheus\'s messages', async () => {
    const base = { query: 'up', start: String(T0 / 1000), end: String((T0 + 60_000) / 1000) };
    const zero = await request(server).get('/prometheus/api/v1/query_range').query({ ...base, step: '0' });
    expect(zero.status).to.equal(400);
    expect(zero.body.error).to.equal('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
    const backwards = await request(server).get('/prometheus/api/v1/query_range').query({ ...base, start: base.end, end: base.start, step: '15' });
    expect(backwards.body.error).to.equal('invalid parameter "end": end timestamp must not be before start time');
    const huge = await request(server).get('/prometheus/api/v1/query_range').query({ ...base, end: String(T0 / 1000 + 86400 * 365), step: '1' });
    expect(huge.status).to.equal(400);
    expect(huge.body.error).to.equal('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
    const badTime = await request(server).get('/prometheus/api/v1/query').query({ query: 'up', time: 'yesterday' });
    expect(badTime.body.error).to.equal('invalid parameter "time": cannot parse "yesterday" to a valid timestamp');
  });

  it('lists series for match[] and requires one', async () => {
    const res = await request(server).get('/prometheus/api/v1/series').query({ 'match[]': 'node_uname_info{job="node"}' });
    expect(res.body).to.deep.equal({ status: 'success', data: [{ __name__: 'node_uname_info', instance: 'h1:9100', job: 'node', nodename: 'h1', release: '6.1.0' }] });
    const none = await request(server).get('/prometheus/api/v1/series');
    expect(none.status).to.equal(400);
    expect(none.body.error).to.equal('no match[] parameter provided');
    const empty = await request(server).get('/prometheus/api/v1/series').query({ 'match[]': '{job=~".*"}' });
    expect(empty.status).to.equal(400);
  });

  it('lists label names and values, filtered by match[] as label_values() needs', async () => {
    const names = await request(server).get('/prometheus/api/v1/labels');
    expect(names.body.data).to.deep.equal(['__name__', 'cpu', 'instance', 'job', 'mode', 'nodename', 'release']);
    const values = await request(server).get('/prometheus/api/v1/label/cpu/values');
    expect(values.body.data).to.deep.equal(['0', '1']);
    const filtered = await request(server).get('/prometheus/api/v1/label/job/values').query({ 'match[]': 'gone' });
    expect(filtered.body.data).to.deep.equal(['x']);
    const bad = await request(server).get('/prometheus/api/v1/label/not-a-label/values');
    expect(bad.status).to.equal(400);
  });

  it('serves buildinfo, and empty targets, rules and alerts lists', async () => {
    const info = await request(server).get('/prometheus/api/v1/status/buildinfo');
    expect(info.body.data.version).to.match(/^2\.\d+\.\d+$/);
    for (const [path, want] of [['targets', { activeTargets: [], droppedTargets: [] }], ['rules', { groups: [] }], ['alerts', { alerts: [] }]] as const) {
      const res = await request(server).get(`/prometheus/api/v1/${path}`);
      expect(res.body, path).to.deep.equal({ status: 'success', data: want });
    }
  });

  it('answers 405 as JSON for a wrong method and 404 for an unknown endpoint', async () => {
    const wrong = await request(server).delete('/prometheus/api/v1/query');
    expect(wrong.status).to.equal(405);
    expect(wrong.body.error.code).to.equal('method_not_allowed');
    const unknown = await request(server).get('/prometheus/api/v1/nope');
    expect(unknown.status).to.equal(404);
  });
});
