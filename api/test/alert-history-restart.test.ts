import { expect } from 'chai';
import request from 'supertest';
import { Registry } from 'prom-client';
import { Labels, ManualClock } from '@hlmon/model';
import { Engine } from '@hlmon/query';
import { engineQueryFn, parseRuleFile, RULES_MIGRATIONS, RuleManager, SqlPersistence } from '@hlmon/rules';
import { Scraper } from '@hlmon/scraper';
import { openTestStore, tempDir, type TempDir, type TestStore } from '@hlmon/testkit';
import { sqlMigrations } from '@hlmon/store';
import { API_MIGRATIONS, createApp, createServerApi, middlewareAsRouter, type ServerApi } from '@hlmon/api';

const MINUTE = 60_000;
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;

const RULES = `groups:
  - name: restart
    interval: 15s
    rules:
      - alert: AlwaysOn
        expr: vector(1)
        labels: { severity: info }
      - alert: FlagRaised
        expr: flag > 0
`;

/**
 * One server process as far as alert history goes: a RuleManager persisting its state in SQL and the
 * server API sampling it. A restart is a new process on the same database: a new RuleManager, new
 * persistence and a new server API.
 */
async function startProcess(test: TestStore, dir: TempDir, clock: ManualClock): Promise<{ rules: RuleManager; api: ServerApi; stop(): Promise<void> }> {
  const store = test.store;
  const engine = new Engine({ querier: store.querier(), clock });
  const rules = new RuleManager({
    clock, query: engineQueryFn(engine), appender: () => store.appender(), sink: () => undefined,
    persistence: new SqlPersistence({ query: (text, params) => store.sql(text, params) }), defaultIntervalMs: 15_000,
  });
  await rules.load(parseRuleFile(RULES, 'restart.yml').groups);
  const api = createServerApi({
    sql: (t, p) => store.sql(t, p), clock, engine, scraper: new Scraper({ appender: () => store.appender(), dataDir: dir.path, clock }), rules,
    config: { file: undefined, current: () => undefined, currentText: async () => '', parse: () => ({ errors: [{ line: 1, column: 1, message: 'read-only' }] }), apply: async () => ({ errors: ['read-only'] }) },
    // Sampling is driven by the test through flush().
    alertPollMs: 3_600_000,
    log: () => undefined,
  });
  return { rules, api, stop: async () => { await api.close(); await rules.stop(); } };
}

async function history(test: TestStore): Promise<{ alertname: string; state: string }[]> {
  const { rows } = await test.store.sql('SELECT labels, state FROM api_alert_history ORDER BY id');
  return rows.map((r) => {
    const labels = (typeof r['labels'] === 'string' ? JSON.parse(r['labels']) : r['labels']) as Record<string, string>;
    return { alertname: labels['alertname']!, state: String(r['state']) };
  });
}

describe('alert history across a restart on the same database', function () {
  this.timeout(60_000);
  let test: TestStore;
  let dir: TempDir;
  const clock = new ManualClock(T0);

  before(async () => {
    test = await openTestStore('postgres', {
      extraMigrations: [
        ...sqlMigrations('rules', RULES_MIGRATIONS),
        ...sqlMigrations('api', API_MIGRATIONS),
      ],
    });
    dir = await tempDir('hlmon-alert-restart-');
    await test.store.ensurePartitions(T0 - 86_400_000, T0 + 86_400_000);
    const app = test.store.appender();
    // `flag` is 1 for the first two minutes and then stops being scraped, so FlagRaised ends 5 minutes
    // later (the lookback), while the server is down.
    for (let t = T0; t <= T0 + 2 * MINUTE; t += 15_000) app.append(Labels.from({ __name__: 'flag', job: 'test' }), t, 1);
    await app.commit();
  });
  after(async () => {
    await test?.dispose();
    await dir?.remove();
  });

  it('records each firing alert once although a restarted server finds them firing again', async () => {
    const first = await startProcess(test, dir, clock);
    clock.set(T0 + MINUTE);
    await first.rules.evaluateDue();
    await first.api.flush();
    expect(await history(test)).to.deep.equal([{ alertname: 'AlwaysOn', state: 'firing' }, { alertname: 'FlagRaised', state: 'firing' }]);
    await first.stop();

    const second = await startProcess(test, dir, clock);
    clock.set(T0 + 2 * MINUTE);
    await second.rules.evaluateDue();
    await second.api.flush();
    await second.api.flush();
    expect(await history(test)).to.have.length(2);
    await second.stop();
  });

  it('records an alert that ended while the server was down as resolved once, after the restart', async () => {
    clock.set(T0 + 20 * MINUTE);
    const third = await startProcess(test, dir, clock);
    await third.rules.evaluateDue();
    await third.api.flush();
    await third.api.flush();
    expect(await history(test)).to.deep.equal([
      { alertname: 'AlwaysOn', state: 'firing' }, { alertname: 'FlagRaised', state: 'firing' }, { alertname: 'FlagRaised', state: 'resolved' },
    ]);
    // The alerts route lists it once beside the still-firing one, from the shared last-day read and from a
    // read of the table for an older `since`.
    const admin = await third.api.authenticator.store.setupAdmin('admin', 'admin password');
    const { secret } = await third.api.authenticator.store.createKey('viewer', 'viewer', admin?.id);
    const agent = request(createApp({ registry: new Registry(), ready: () => true, log: () => undefined, routers: [middlewareAsRouter(third.api.middleware), ...third.api.routers] }).callback());
    for (const since of ['', `?since=${T0 - 3 * 86_400_000}`]) {
      const res = await agent.get(`/api/v1/alerts${since}`).set('Authorization', `Bearer ${secret}`).expect(200);
      expect(res.body.alerts.map((a: { labels: { alertname: string }; state: string; resolvedAtMs: number | null }) => [a.labels.alertname, a.state, a.resolvedAtMs]))
        .to.deep.equal([['AlwaysOn', 'firing', null], ['FlagRaised', 'resolved', T0 + 20 * MINUTE]]);
    }
    await third.stop();
  });
});
