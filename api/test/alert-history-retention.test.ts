import { expect } from 'chai';
import { ManualClock } from '@hlmon/model';
import { openTestStore, type TestStore } from '@hlmon/testkit';
import { sqlMigrations } from '@hlmon/store';
import { API_MIGRATIONS } from '@hlmon/api';
import { AlertHistory } from '../src/v1/alert-history.js';

const DAY = 86_400_000;

describe('alert history retention', function () {
  this.timeout(30_000);
  let test: TestStore;

  before(async () => {
    test = await openTestStore('postgres', {
      extraMigrations: sqlMigrations('api', API_MIGRATIONS),
    });
  });
  after(async () => { await test?.dispose(); });

  it('drops rows older than the window but keeps the newest row of an alert still firing', async () => {
    const now = Date.UTC(2026, 10, 26);
    const insert = (fp: string, state: string, changedAt: number) => test.store.sql(
      'INSERT INTO api_alert_history (fingerprint, labels, annotations, state, active_at_ms, resolved_at_ms, changed_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [fp, JSON.stringify({ alertname: fp }), '{}', state, changedAt, state === 'resolved' ? changedAt : null, changedAt]);
    // old-resolved: fired and resolved long ago → both rows go.
    await insert('old-resolved', 'firing', now - 40 * DAY);
    await insert('old-resolved', 'resolved', now - 39 * DAY);
    // still-firing: fired long ago and never resolved → its only row stays (a restart reads it).
    await insert('still-firing', 'pending', now - 41 * DAY);
    await insert('still-firing', 'firing', now - 40 * DAY);
    // recent: inside the window → stays.
    await insert('recent', 'firing', now - 2 * DAY);
    await insert('recent', 'resolved', now - DAY);

    const history = new AlertHistory((t, p) => test.store.sql(t, p), undefined, new ManualClock(now), () => undefined, (err) => { throw err; }, 30 * DAY);
    expect(await history.prune()).to.equal(3);
    const { rows } = await test.store.sql('SELECT fingerprint, state FROM api_alert_history ORDER BY id');
    expect(rows.map((r) => `${r['fingerprint']}:${r['state']}`)).to.deep.equal(['still-firing:firing', 'recent:firing', 'recent:resolved']);
    expect(await history.prune()).to.equal(0);
  });
});
