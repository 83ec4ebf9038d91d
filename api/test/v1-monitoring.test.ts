import { expect } from 'chai';
import { startHarness, type Harness } from './v1-harness.js';

/** Polls `fn` until it returns a truthy value (the scraper and the rules run on their own schedule). */
async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('v1: targets, checks, alerts, silences, rules and receivers over the real components', function () {
  this.timeout(60_000);
  let h: Harness;
  let viewer: string;
  let editor: string;
  before(async () => {
    h = await startHarness();
    viewer = `Bearer ${await h.key('viewer')}`;
    editor = `Bearer ${await h.key('editor')}`;
  });
  after(async () => { await h?.close(); });

  it('lists targets with health, last scrape and labels before and after relabeling', async () => {
    const t = await eventually(async () => {
      const res = await h.agent().get('/api/v1/targets').set('Authorization', viewer).expect(200);
      return res.body.targets.find((x: { health: string }) => x.health === 'up');
    }, 'a scraped target');
    expect(t.job).to.equal('node');
    expect(t.labels).to.include({ job: 'node', instance: new URL(h.exporter.url).host });
    expect(t.discoveredLabels).to.include({ __address__: new URL(h.exporter.url).host });
    expect(t.lastScrapeMs).to.be.a('number');
    expect(t.lastError).to.equal('');
  });

  it('lists checks with state, response time and uptime ratios computed from probe_success', async () => {
    const c = await eventually(async () => {
      const res = await h.agent().get('/api/v1/checks').set('Authorization', viewer).expect(200);
      const site = res.body.checks.find((x: { name: string }) => x.name === 'site');
      return site?.uptime['24h'] !== null && site;
    }, 'an uptime ratio');
    expect(c).to.include({ id: 'site', type: 'http', up: true, httpStatusCode: 200, intervalSeconds: 1, timeoutSeconds: 0.5 });
    expect(c.uptime['24h']).to.equal(1);
    expect(c.uptimeRatio24h).to.equal(1);
    expect(c.responseTimeMs).to.be.a('number');
  });

  it('records a failing check as an incident with its reason and closes it on recovery', async () => {
    h.site.status = 503;
    const open = await eventually(async () => {
      const res = await h.agent().get('/api/v1/checks/site').set('Authorization', viewer).expect(200);
      return res.body.incidents.find((i: { endedAtMs: number | null }) => i.endedAtMs === null);
    }, 'an open incident');
    expect(open.lastError).to.include('503');
    h.site.status = 200;
    const closed = await eventually(async () => {
      const res = await h.agent().get('/api/v1/checks/site').set('Authorization', viewer).expect(200);
      return res.body.incidents.find((i: { id: number; endedAtMs: number | null }) => i.id === open.id && i.endedAtMs !== null);
    }, 'the incident to close');
    expect(closed.failures).to.be.at.least(1);
  });

  it("serves a check's response time series", async () => {
    const res = await h.agent().get('/api/v1/checks/site?rangeHours=1').set('Authorization', viewer).expect(200);
    expect(res.body.responseTimes.length).to.be.greaterThan(0);
    expect(res.body.responseTimes[0].ms).to.be.a('number');
  });

  it('answers 404 for an unknown check', async () => {
    await h.agent().get('/api/v1/checks/nope').set('Authorization', viewer).expect(404);
  });

  it('lists the firing alert of a rule', async () => {
    const a = await eventually(async () => {
      const res = await h.agent().get('/api/v1/alerts?state=firing').set('Authorization', viewer).expect(200);
      return res.body.alerts.find((x: { labels: Record<string, string> }) => x.labels.alertname === 'NodeUp');
    }, 'the NodeUp alert');
    expect(a.fingerprint).to.match(/^[0-9a-f]{16}$/);
    expect(a.annotations.summary).to.equal('node is up');
    expect(a.silencedBy).to.deep.equal([]);
  });

  it('creates a silence that mutes the alert, lists it and expires it', async () => {
    const created = await h.agent().post('/api/v1/silences').set('Authorization', editor)
      .send({ matchers: [{ name: 'alertname', value: 'NodeUp', isRegex: false }], endsAt: new Date(Date.now() + 3_600_000).toISOString(), comment: 'maintenance' })
      .expect(201);
    expect(created.body.silence.status.state).to.equal('active');
    expect(created.body.silence.createdBy).to.equal('api-key-2');
    const alerts = await h.agent().get('/api/v1/alerts?state=firing').set('Authorization', viewer).expect(200);
    expect(alerts.body.alerts.find((x: { labels: Record<string, string> }) => x.labels.alertname === 'NodeUp').silencedBy).to.deep.equal([created.body.silence.id]);
    const list = await h.agent().get('/api/v1/silences').set('Authorization', viewer).expect(200);
    expect(list.body.silences.map((s: { id: string }) => s.id)).to.include(created.body.silence.id);
    await h.agent().delete(`/api/v1/silences/${created.body.silence.id}`).set('Authorization', editor).expect(204);
    const after = await h.agent().get('/api/v1/silences').set('Authorization', viewer).expect(200);
    expect(after.body.silences.find((s: { id: string }) => s.id === created.body.silence.id).status.state).to.equal('expired');
  });

  it('refuses a silence that ends before it starts, naming endsAt', async () => {
    const res = await h.agent().post('/api/v1/silences').set('Authorization', editor)
      .send({ matchers: [{ name: 'a', value: 'b', isRegex: false }], startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' }).expect(400);
    expect(res.body.error.details.field).to.equal('body.endsAt');
  });

  it('keeps resolved alerts in the history', async () => {
    // Stop the alert's condition by removing the job; the rule resolves it.
    await h.agent().delete(`/api/v1/targets?job=node&target=${encodeURIComponent(new URL(h.exporter.url).host)}`).set('Authorization', editor).expect(204);
    const resolved = await eventually(async () => {
      const res = await h.agent().get(`/api/v1/alerts?state=resolved&since=${Date.now() - 600_000}`).set('Authorization', viewer).expect(200);
      return res.body.alerts.find((x: { labels: Record<string, string> }) => x.labels.alertname === 'NodeUp');
    }, 'the resolved alert', 30_000);
    expect(resolved.resolvedAtMs).to.be.a('number');
  });

  it('lists rule groups with health and evaluation time', async () => {
    const res = await h.agent().get('/api/v1/rules').set('Authorization', viewer).expect(200);
    const g = res.body.groups[0];
    expect(g).to.include({ name: 'test', intervalSeconds: 1 });
    expect(g.rules.map((r: { name: string; type: string }) => `${r.type}:${r.name}`)).to.deep.equal(['alerting:NodeUp', 'recording:job:up:sum']);
    expect(g.rules[0].health).to.be.oneOf(['ok', 'unknown']);
  });

  it('lists receivers without their settings and sends a test notification', async () => {
    const list = await h.agent().get('/api/v1/receivers').set('Authorization', viewer).expect(200);
    expect(list.body.receivers).to.deep.equal([{ name: 'hook', integrations: ['webhook/0'] }]);
    expect(JSON.stringify(list.body)).to.not.include('/hook');
    const before = h.webhook.received.length;
    const res = await h.agent().post('/api/v1/receivers/hook/test').set('Authorization', editor).expect(200);
    expect(res.body.results).to.have.length(1);
    expect(res.body.results[0]).to.include({ integration: 'webhook/0', ok: true });
    expect(h.webhook.received.length).to.be.greaterThan(before);
  });
});
