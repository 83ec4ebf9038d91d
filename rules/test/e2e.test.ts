/**
 * End to end at the rules level: a real check target on loopback is probed (the scraper's job, done here by
 * the harness with real HTTP), the condition is induced by stopping the target, and the alert travels through
 * evaluation, the state machine, routing and a real webhook receiver. Persistence is PostgreSQL (a fresh
 * database), so restarts are real restarts of every in-memory component. Time is a ManualClock.
 */
import { expect } from 'chai';
import pg from 'pg';
import { Labels, ManualClock } from '@hlmon/model';
import { Engine, MemoryStorage } from '@hlmon/query';
import { freshPostgresDatabase, listenOnPort0, type FreshDatabase, type Listening } from '@hlmon/testkit';
import {
  Dispatcher, RuleManager, Silences, SqlPersistence, engineQueryFn, migrateRules, parseAlertingConfig, parseRuleFile,
  type RulesPersistence,
} from '@hlmon/rules';
import { recordingServer, type RecordingServer } from './helpers/receiver.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const STEP_MS = 10_000;

const RULES = `groups:
  - name: checks
    interval: 1m
    rules:
      - alert: TargetDown
        expr: probe_success == 0
        for: 2m
        labels: { severity: critical }
        annotations:
          summary: '{{ $labels.instance }} is down'
`;

interface Harness {
  clock: ManualClock;
  hook: RecordingServer;
  targets: { server: Listening; up: boolean }[];
  manager: RuleManager;
  dispatcher: Dispatcher;
  silences: Silences;
  start(): Promise<void>;
  /** Advances time in 10 s steps, probing, evaluating and flushing at each. */
  advance(ms: number): Promise<void>;
  stateOf(instance: string): string | undefined;
  close(): Promise<void>;
}

async function harness(persistence: RulesPersistence, targetCount = 1): Promise<Harness> {
  const clock = new ManualClock(T0);
  const storage = new MemoryStorage();
  const engine = new Engine({ querier: storage });
  const hook = await recordingServer();
  const targets = await Promise.all(Array.from({ length: targetCount }, async () => {
    const t = { server: undefined as unknown as Listening, up: true };
    t.server = await listenOnPort0((_req, res) => { res.writeHead(t.up ? 200 : 503); res.end(); });
    return t;
  }));
  const groups = parseRuleFile(RULES, 'checks.yml').groups;
  const alerting = () => parseAlertingConfig({
    route: { receiver: 'hook', group_by: ['alertname', 'instance'], group_wait: '10s', group_interval: '1m', repeat_interval: '1h' },
    receivers: [{ name: 'hook', webhook_configs: [{ url: `${hook.url}/alerts`, send_resolved: true }] }],
  }, { fetch });
  const h = {} as Harness;
  const build = () => {
    h.silences = new Silences(clock, persistence);
    h.dispatcher = new Dispatcher(alerting(), { clock, silences: h.silences, persistence, externalURL: 'http://hlmon.test', retry: { maxAttempts: 2, initialBackoffMs: 1 } });
    h.manager = new RuleManager({
      clock, persistence, query: engineQueryFn(engine),
      appender: () => storage.appender(), sink: (a) => h.dispatcher.put(a), externalURL: 'http://hlmon.test',
    });
  };
  build();
  Object.assign(h, {
    clock, hook, targets,
    async start() { await h.dispatcher.start(); await h.manager.load(groups); },
    async advance(ms: number) {
      for (let done = 0; done < ms; done += STEP_MS) {
        clock.advance(STEP_MS);
        const app = storage.appender();
        for (const t of targets) {
          const ok = await fetch(t.server.url).then((r) => r.status === 200, () => false);
          app.append(Labels.from({ __name__: 'probe_success', instance: t.server.url }), clock.now(), ok ? 1 : 0);
        }
        await app.commit();
        await h.manager.evaluateDue();
        await h.dispatcher.tick();
      }
    },
    stateOf(instance: string) {
      for (const g of h.manager.groups()) for (const r of g.rules) {
        if (r.kind !== 'alert') continue;
        for (const a of r.alerts()) if (a.labels.get('instance') === instance) return a.state;
      }
      return undefined;
    },
    async close() { await hook.close(); for (const t of targets) await t.server.close(); },
    restart: build,
  });
  return h;
}

type WebhookPayload = { status: string; version: string; groupKey: string; receiver: string; alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string }[]; commonLabels: Record<string, string>; groupLabels: Record<string, string>; externalURL: string };
const payloads = (h: Harness) => h.hook.requests.map((r) => r.json as WebhookPayload);

describe('alerting end to end (rules level)', function () {
  this.timeout(60_000);
  let db: FreshDatabase;
  let pool: pg.Pool;
  let h: Harness;

  before(async () => {
    db = await freshPostgresDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 4 });
    await migrateRules(pool);
  });
  after(async () => { await pool?.end(); await db?.drop(); });
  beforeEach(async () => {
    await pool.query('TRUNCATE rules_alert_state, alerting_silences, alerting_notification_log, alerting_deliveries');
  });
  afterEach(async () => { await h?.close(); });

  it('goes pending, then firing on time, and the webhook receives the Alertmanager payload', async () => {
    h = await harness(new SqlPersistence(pool));
    await h.start();
    await h.advance(60_000);
    const url = h.targets[0]!.server.url;
    expect(h.stateOf(url)).to.equal(undefined);
    h.targets[0]!.up = false;
    const downAt = h.clock.now();
    let pendingAt = 0, firingAt = 0, notifiedAt = 0;
    while (h.clock.now() - downAt < 5 * 60_000 && notifiedAt === 0) {
      await h.advance(STEP_MS);
      if (!pendingAt && h.stateOf(url) === 'pending') pendingAt = h.clock.now();
      if (!firingAt && h.stateOf(url) === 'firing') firingAt = h.clock.now();
      if (!notifiedAt && h.hook.requests.length > 0) notifiedAt = h.clock.now();
    }
    // Evaluation runs every minute; pending at the first evaluation after the failure, firing 2 minutes later.
    expect(pendingAt - downAt).to.be.at.most(60_000);
    expect(firingAt - pendingAt).to.equal(120_000);
    // Condition to notification: at most interval + for + group_wait.
    expect(notifiedAt - downAt).to.be.at.most(60_000 + 120_000 + 10_000);
    const p = payloads(h)[0]!;
    expect(p).to.include({ version: '4', status: 'firing', receiver: 'hook', externalURL: 'http://hlmon.test' });
    expect(p.groupLabels).to.deep.equal({ alertname: 'TargetDown', instance: url });
    expect(p.alerts).to.have.length(1);
    expect(p.alerts[0]).to.include({ status: 'firing', endsAt: '0001-01-01T00:00:00Z' });
    expect(p.alerts[0]!.labels).to.deep.equal({ alertname: 'TargetDown', instance: url, severity: 'critical' });
    expect(p.alerts[0]!.annotations).to.deep.equal({ summary: `${url} is down` });
    expect(p.alerts[0]!.fingerprint).to.match(/^[0-9a-f]{16}$/);
  });

  it('sends nothing for an alert matched by an active silence', async () => {
    h = await harness(new SqlPersistence(pool), 2);
    await h.start();
    const [a, b] = h.targets;
    await h.silences.create({ matchers: [{ name: 'instance', value: b!.server.url, isRegex: false, isEqual: true }], startsAtMs: h.clock.now(), endsAtMs: h.clock.now() + 3600_000, createdBy: 'tester', comment: 'maintenance' });
    a!.up = false; b!.up = false;
    await h.advance(5 * 60_000);
    expect(h.stateOf(b!.server.url)).to.equal('firing');
    const notified = payloads(h).flatMap((p) => p.alerts.map((x) => x.labels['instance']));
    expect(notified).to.include(a!.server.url);
    expect(notified).to.not.include(b!.server.url);
  });

  it('sends the resolution once the target recovers', async () => {
    h = await harness(new SqlPersistence(pool));
    await h.start();
    h.targets[0]!.up = false;
    await h.advance(5 * 60_000);
    h.targets[0]!.up = true;
    await h.advance(3 * 60_000);
    const statuses = payloads(h).map((p) => p.status);
    expect(statuses).to.deep.equal(['firing', 'resolved']);
    const resolved = payloads(h)[1]!.alerts[0]!;
    expect(resolved.status).to.equal('resolved');
    expect(Date.parse(resolved.endsAt)).to.be.greaterThan(Date.parse(resolved.startsAt));
  });

  it('sends nothing twice across a restart while firing, and resolves once after it', async () => {
    const persistence = new SqlPersistence(pool);
    h = await harness(persistence);
    await h.start();
    h.targets[0]!.up = false;
    await h.advance(5 * 60_000);
    expect(payloads(h).map((p) => p.status)).to.deep.equal(['firing']);
    (h as unknown as { restart(): void }).restart();
    await h.start();
    expect(h.stateOf(h.targets[0]!.server.url)).to.equal('firing');
    await h.advance(10 * 60_000);
    expect(payloads(h).map((p) => p.status)).to.deep.equal(['firing']);
    h.targets[0]!.up = true;
    await h.advance(3 * 60_000);
    expect(payloads(h).map((p) => p.status)).to.deep.equal(['firing', 'resolved']);
  });

  it('keeps a pending `for` timer across a restart', async () => {
    h = await harness(new SqlPersistence(pool));
    await h.start();
    h.targets[0]!.up = false;
    await h.advance(90_000);
    const url = h.targets[0]!.server.url;
    expect(h.stateOf(url)).to.equal('pending');
    const activeAt = h.manager.groups()[0]!.rules[0]!.kind === 'alert' ? (h.manager.groups()[0]!.rules[0] as { alerts(): { activeAtMs: number }[] }).alerts()[0]!.activeAtMs : 0;
    (h as unknown as { restart(): void }).restart();
    await h.start();
    expect(h.stateOf(url)).to.equal('pending');
    await h.advance(120_000);
    expect(h.stateOf(url)).to.equal('firing');
    const restored = (h.manager.groups()[0]!.rules[0] as unknown as { alerts(): { activeAtMs: number }[] }).alerts()[0]!;
    expect(restored.activeAtMs).to.equal(activeAt);
  });

  it('records every delivery outcome in PostgreSQL', async () => {
    const persistence = new SqlPersistence(pool);
    h = await harness(persistence);
    await h.start();
    h.targets[0]!.up = false;
    await h.advance(5 * 60_000);
    const d = await persistence.recentDeliveries(10);
    expect(d).to.have.length(1);
    expect(d[0]).to.include({ receiver: 'hook', integration: 'webhook/0', ok: true, attempts: 1, error: '', alerts: 1 });
  });
});
