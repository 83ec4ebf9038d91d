/** SqlPersistence through an injected executor, on the machine's PostgreSQL (fresh database) and on PGlite. */
import { expect } from 'chai';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { Labels } from '@hlmon/model';
import { freshPostgresDatabase, type FreshDatabase } from '@hlmon/testkit';
import { migrateRules, SqlPersistence, PersistenceError, type ActiveAlert, type SqlExecutor } from '@hlmon/rules';
import { rejects } from '@hlmon/testkit';

const alert = (instance: string, state: ActiveAlert['state']): ActiveAlert => ({
  labels: Labels.from({ alertname: 'Down', instance }), annotations: { summary: `${instance} down` }, state, value: 0,
  activeAtMs: 1_700_000_000_000, firedAtMs: state === 'firing' ? 1_700_000_120_000 : 0, resolvedAtMs: 0, lastSentAtMs: 1_700_000_120_000, validUntilMs: 1_700_000_360_000, keepFiringSinceMs: 0,
});

for (const engine of ['postgres', 'pglite'] as const) {
  describe(`SqlPersistence on ${engine}`, function () {
    this.timeout(60_000);
    let db: FreshDatabase | undefined;
    let exec: SqlExecutor & { close(): Promise<void> };
    let p: SqlPersistence;

    before(async () => {
      if (engine === 'postgres') {
        db = await freshPostgresDatabase();
        const pool = new pg.Pool({ connectionString: db.url, max: 2 });
        exec = { query: (sql, params) => pool.query(sql, params), close: () => pool.end() };
      } else {
        const lite = new PGlite();
        exec = { query: (sql, params) => lite.query(sql, params) as Promise<{ rows: Record<string, unknown>[] }>, close: () => lite.close() };
      }
      await migrateRules(exec);
      await migrateRules(exec); // idempotent
      p = new SqlPersistence(exec);
    });
    after(async () => { await exec?.close(); await db?.drop(); });

    it('round-trips the alerts of a rule with labels, annotations and every timestamp', async () => {
      await p.saveAlertState({ groupKey: 'f;g', ruleKey: '0:Down', alerts: [alert('a', 'firing'), alert('b', 'pending')] });
      const [s] = await p.loadAlertStates();
      expect(s!.groupKey).to.equal('f;g');
      expect(s!.alerts.map((a) => [a.labels.get('instance'), a.state, a.activeAtMs, a.firedAtMs])).to.deep.equal([['a', 'firing', 1_700_000_000_000, 1_700_000_120_000], ['b', 'pending', 1_700_000_000_000, 0]]);
      expect(s!.alerts[0]!.annotations).to.deep.equal({ summary: 'a down' });
    });

    it('replaces a rule\'s alerts, dropping the ones that disappeared, and deletes on an empty list', async () => {
      await p.saveAlertState({ groupKey: 'f;g', ruleKey: '0:Down', alerts: [alert('b', 'firing')] });
      expect((await p.loadAlertStates())[0]!.alerts.map((a) => [a.labels.get('instance'), a.state])).to.deep.equal([['b', 'firing']]);
      await p.saveAlertState({ groupKey: 'f;g', ruleKey: '0:Down', alerts: [] });
      expect(await p.loadAlertStates()).to.deep.equal([]);
    });

    it('stores silences, notification log entries and delivery outcomes', async () => {
      await p.saveSilence({ id: 's1', matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }], startsAtMs: 1, endsAtMs: 2, createdBy: 'me', comment: 'c', updatedAtMs: 1 });
      await p.saveSilence({ id: 's1', matchers: [{ name: 'a', value: 'b', isRegex: false, isEqual: true }], startsAtMs: 1, endsAtMs: 5, createdBy: 'me', comment: 'c', updatedAtMs: 3 });
      expect((await p.loadSilences()).map((s) => [s.id, s.endsAtMs])).to.deep.equal([['s1', 5]]);
      await p.saveNotificationLogEntry({ receiver: 'r/webhook/0', groupKey: 'g', firing: ['x'], resolved: [], timestampMs: 10, expiresAtMs: 20 });
      expect(await p.loadNotificationLog()).to.deep.equal([{ receiver: 'r/webhook/0', groupKey: 'g', firing: ['x'], resolved: [], timestampMs: 10, expiresAtMs: 20 }]);
      await p.recordDelivery({ receiver: 'r', integration: 'webhook/0', groupKey: 'g', ok: false, attempts: 3, error: 'answered 500', atMs: 1, durationMs: 2.5, alerts: 1 });
      expect(await p.recentDeliveries(5)).to.deep.equal([{ receiver: 'r', integration: 'webhook/0', groupKey: 'g', ok: false, attempts: 3, error: 'answered 500', atMs: 1, durationMs: 2.5, alerts: 1 }]);
    });

    it('wraps a database failure in a PersistenceError that keeps the cause', async () => {
      const broken = new SqlPersistence({ query: async () => { throw new Error('connection refused'); } });
      const err = await rejects(broken.loadSilences());
      expect(err).to.be.instanceOf(PersistenceError);
      expect(err.message).to.equal('loading silences: connection refused');
      expect((err as Error & { cause: Error }).cause.message).to.equal('connection refused');
    });
  });
}
