/**
 * The health tables of split mode on a real PostgreSQL: what a HealthPublisher writes, a StoredScraperView
 * reads back (only changed rows are rewritten), a silent scraper's targets turn `unknown` with an error
 * naming it, and a graceful stop removes the scraper's rows.
 */
import { expect } from 'chai';
import { Labels, type MetricMetadata } from '@hlmon/model';
import { openStore, type Store } from '@hlmon/store';
import type { CheckState, DroppedTarget, TargetHealth } from '@hlmon/scraper';
import { freshPostgresDatabase, type FreshDatabase } from '@hlmon/testkit';
import { HealthPublisher, SCRAPER_HEALTH_MIGRATION_SQL, StoredScraperView } from '@hlmon/cli';

function target(instance: string, lastScrapeMs: number, health: TargetHealth['health'] = 'up'): TargetHealth {
  return {
    job: 'node', url: `http://${instance}/metrics`, discoveredLabels: Labels.from({ __address__: instance }),
    labels: Labels.from({ job: 'node', instance }), health, lastScrapeMs, lastScrapeDurationMs: 12.5,
    lastError: health === 'up' ? '' : 'connection refused', scrapeIntervalMs: 15_000, scrapeTimeoutMs: 10_000, lastSamples: 500,
  };
}

function check(lastRunMs: number): CheckState {
  return {
    name: 'home', type: 'http', target: 'https://home.example', labels: Labels.from({ job: 'check', check: 'home' }), health: 'down',
    lastRunMs, lastDurationMs: 30, lastError: 'status 503', intervalMs: 30_000, metrics: { probe_success: 0, probe_ssl_earliest_cert_expiry: NaN }, paused: false,
  };
}

/** A scraper's state that the test changes between rounds. */
class FakeSource {
  targetList: TargetHealth[] = [];
  checkList: CheckState[] = [];
  dropped: DroppedTarget[] = [{ discoveredLabels: Labels.from({ __address__: 'gone:9100' }), reason: 'dropped by relabeling' }];
  md = new Map<string, MetricMetadata[]>([['node_load1', [{ type: 'gauge', help: '1m load average.', unit: '' }]]]);
  targets() { return this.targetList; }
  checks() { return this.checkList; }
  droppedTargets() { return this.dropped; }
  metadata() { return this.md; }
}

describe('split-mode target health in the database', function () {
  this.timeout(60_000);
  let db: FreshDatabase;
  let store: Store;
  const quiet = () => undefined;

  before(async () => {
    db = await freshPostgresDatabase();
    store = await openStore({ url: db.url });
    await store.sql(SCRAPER_HEALTH_MIGRATION_SQL);
  });
  after(async () => {
    await store?.close();
    await db?.drop();
  });

  it('reads back what two scrapers publish, with events only for newer scrapes and runs', async () => {
    const sql = (t: string, p?: readonly unknown[]) => store.sql(t, p);
    const a = new FakeSource();
    a.targetList = [target('nas:9100', 1000), target('pi:9100', 1000, 'down')];
    a.checkList = [check(1000)];
    const b = new FakeSource();
    b.targetList = [target('router:9100', 1000)];
    const pubA = new HealthPublisher({ sql, source: a, name: 'a', url: 'http://a:9801', intervalMs: 60_000, log: quiet });
    const pubB = new HealthPublisher({ sql, source: b, name: 'b', url: 'http://b:9801', intervalMs: 60_000, log: quiet });
    await pubA.publishNow();
    await pubB.publishNow();

    const view = new StoredScraperView({ sql, pollIntervalMs: 60_000, log: quiet });
    await view.start();
    try {
      const byInstance = new Map(view.targets().map((t) => [t.labels.get('instance'), t]));
      expect([...byInstance.keys()].sort()).to.deep.equal(['nas:9100', 'pi:9100', 'router:9100']);
      expect(byInstance.get('pi:9100')).to.include({ health: 'down', lastError: 'connection refused', lastScrapeMs: 1000, lastSamples: 500, lastScrapeDurationMs: 12.5 });
      expect(byInstance.get('nas:9100')!.discoveredLabels.toObject()).to.deep.equal({ __address__: 'nas:9100' });
      const c = view.checks();
      expect(c).to.have.length(1);
      expect(c[0]!.metrics.probe_success).to.equal(0);
      expect(c[0]!.metrics.probe_ssl_earliest_cert_expiry).to.be.NaN;
      expect(view.droppedTargets().map((d) => d.reason)).to.deep.equal(['dropped by relabeling', 'dropped by relabeling']);
      expect(view.metadata().get('node_load1')).to.deep.equal([{ type: 'gauge', help: '1m load average.', unit: '' }]);

      const scraped: string[] = [];
      const ran: string[] = [];
      view.on('scrape', (t) => scraped.push(t.labels.get('instance')!));
      view.on('check', (x) => ran.push(x.name));
      a.targetList = [target('nas:9100', 2000), target('pi:9100', 1000, 'down')];
      a.checkList = [check(2000)];
      await pubA.publishNow();
      await view.pollNow();
      expect(scraped).to.deep.equal(['nas:9100']);
      expect(ran).to.deep.equal(['home']);

      // A target removed from the config leaves the table at the next round.
      a.targetList = [target('nas:9100', 2000)];
      await pubA.publishNow();
      await view.pollNow();
      expect(view.targets().map((t) => t.labels.get('instance')).sort()).to.deep.equal(['nas:9100', 'router:9100']);
    } finally {
      await view.stop();
      await pubA.stop();
      await pubB.stop();
    }
  });

  it('rewrites only the rows whose content changed', async () => {
    const sql = (t: string, p?: readonly unknown[]) => store.sql(t, p);
    const s = new FakeSource();
    s.targetList = [target('a:1', 1000), target('b:1', 1000)];
    const pub = new HealthPublisher({ sql, source: s, name: 'c', url: 'http://c', intervalMs: 60_000, log: quiet });
    await pub.publishNow();
    const revisions = async () => new Map((await store.sql("SELECT key, revision FROM scraper_targets WHERE scraper = 'c'")).rows.map((r) => [String(r.key), Number(r.revision)]));
    const first = await revisions();
    s.targetList = [target('a:1', 2000), target('b:1', 1000)];
    await pub.publishNow();
    const second = await revisions();
    const changed = [...second].filter(([k, rev]) => first.get(k) !== rev).map(([k]) => JSON.parse(k)[1]);
    expect(changed).to.deep.equal(['http://a:1/metrics']);
    await pub.stop();
  });

  it('shows the targets of a scraper that stopped reporting as unknown, naming it, and drops a stopped one\'s', async () => {
    const sql = (t: string, p?: readonly unknown[]) => store.sql(t, p);
    const s = new FakeSource();
    s.targetList = [target('nas:9100', 1000)];
    s.checkList = [check(1000)];
    const pub = new HealthPublisher({ sql, source: s, name: 'quiet-one', url: 'http://q', intervalMs: 5000, log: quiet });
    await pub.publishNow();
    const view = new StoredScraperView({ sql, pollIntervalMs: 60_000, log: quiet });
    await view.start();
    try {
      expect(view.targets().map((t) => t.health)).to.deep.equal(['up']);
      // As if its last heartbeat was a minute ago (the process died without stopping).
      await store.sql("UPDATE scraper_instances SET heartbeat_ms = heartbeat_ms - 60000 WHERE scraper = 'quiet-one'");
      await view.pollNow();
      expect(view.targets().map((t) => [t.health, t.lastError])).to.deep.equal([['unknown', 'scraper quiet-one has not reported for 60 s']]);
      expect(view.checks().map((c) => c.health)).to.deep.equal(['unknown']);
      expect(view.scrapers().map((x) => [x.name, x.url, x.stale])).to.deep.equal([['quiet-one', 'http://q', true]]);

      await pub.stop();
      await view.pollNow();
      expect(view.targets()).to.deep.equal([]);
      expect(view.checks()).to.deep.equal([]);
      expect(view.scrapers()).to.deep.equal([]);
    } finally {
      await view.stop();
    }
  });
});
