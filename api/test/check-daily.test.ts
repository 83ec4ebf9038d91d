import { expect } from 'chai';
import { Labels, ManualClock } from '@hlmon/model';
import { Engine } from '@hlmon/query';
import { openTestStore, type TestStore } from '@hlmon/testkit';
import { sqlMigrations } from '@hlmon/store';
import { API_MIGRATIONS } from '@hlmon/api';
import { CheckDailyCounts, ratiosOf, type CountsByCheck } from '../src/v1/check-daily.js';

const DAY = 86_400_000;
const STEP = 10 * 60_000;
// Mid-afternoon UTC, not on a sample's time, so every window has a raw head and tail around whole days.
const NOW = Date.UTC(2026, 5, 15, 13, 37, 12, 345);
const START = NOW - 400 * DAY;
const WINDOWS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY, '365d': 365 * DAY };

/** The raw computation the daily counts must equal: every probe_success sample of the window. */
async function rawRatios(engine: Engine, windowMs: number, atMs: number): Promise<Map<string, number>> {
  const sel = `probe_success{job="check"}[${windowMs}ms]`;
  const res = await engine.instantQuery(`sum by (check) (sum_over_time(${sel})) / sum by (check) (count_over_time(${sel}))`, atMs);
  if (res.resultType !== 'vector') throw new Error(res.resultType);
  return new Map(res.result.map((s) => [s.labels.get('check'), s.v]));
}

describe('daily uptime counts per check', function () {
  this.timeout(120_000);
  let test: TestStore;
  let engine: Engine;
  const clock = new ManualClock(NOW);

  before(async () => {
    test = await openTestStore('postgres', {
      extraMigrations: sqlMigrations('api', API_MIGRATIONS),
    });
    await test.store.ensurePartitions(START - DAY, NOW + DAY);
    const app = test.store.appender();
    const series = (check: string, instance: string) => Labels.from({ __name__: 'probe_success', job: 'check', check, instance });
    for (let t = START; t <= NOW + 2 * DAY; t += STEP) {
      const i = Math.round((t - START) / STEP);
      // A steady check failing one probe in seven; one whose target moved 200 days ago (two series, counted
      // together); one added 40 days ago with an outage of a day 10 days ago. Samples after NOW exist too
      // (a clock behind the data) and must not count.
      app.append(series('steady', 'https://a/'), t, i % 7 === 0 ? 0 : 1);
      app.append(series('moved', t < NOW - 200 * DAY ? 'https://old/' : 'https://new/'), t, i % 3 === 0 ? 0 : 1);
      if (t > NOW - 40 * DAY) app.append(series('young', 'tcp://c:22'), t, t > NOW - 10 * DAY && t <= NOW - 9 * DAY ? 0 : 1);
    }
    await app.commit();
    engine = new Engine({ querier: test.store.querier(), clock });
  });
  after(async () => { await test?.dispose(); });

  it('equals the raw computation for 24 h to 365 d windows, before and after the days are summarised', async () => {
    const daily = new CheckDailyCounts((t, p) => test.store.sql(t, p), engine, (err) => { throw err; });
    const before = await daily.ratios(Object.values(WINDOWS), NOW);
    await daily.idle();
    const { rows } = await test.store.sql('SELECT count(*) AS n FROM api_check_daily_done');
    expect(Number(rows[0]!['n'])).to.equal(370);
    const after = await daily.ratios(Object.values(WINDOWS), NOW);
    for (const [i, w] of Object.values(WINDOWS).entries()) {
      const raw = await rawRatios(engine, w, NOW);
      expect(raw.size).to.equal(3);
      expect(before[i], `window ${w} before`).to.deep.equal(raw);
      expect(after[i], `window ${w} after`).to.deep.equal(raw);
    }
    // The young check's outage day shows in 30 d, not in 7 d.
    expect(after[1]!.get('young')).to.equal(1);
    expect(after[2]!.get('young')).to.be.lessThan(1);
  });

  it('reads whole days from the table: only the raw head and tail remain', async () => {
    const daily = new CheckDailyCounts((t, p) => test.store.sql(t, p), engine, (err) => { throw err; });
    await daily.ensure(NOW);
    const counts: CountsByCheck = await daily.counts(WINDOWS['365d'], NOW);
    // A new instance (a restarted server) reads the days from the table, not from raw samples: making the
    // rows wrong changes its answer.
    await test.store.sql("UPDATE api_check_daily SET up = 0 WHERE check_name = 'steady'");
    const fresh = new CheckDailyCounts((t, p) => test.store.sql(t, p), engine, (err) => { throw err; });
    const changed = ratiosOf(await fresh.counts(WINDOWS['365d'], NOW));
    expect(changed.get('steady')).to.be.lessThan(0.01);
    expect(changed.get('moved')).to.equal(ratiosOf(counts).get('moved'));
    const { rows } = await test.store.sql("SELECT up, total FROM api_check_daily WHERE check_name = 'steady' ORDER BY day_start_ms DESC LIMIT 1");
    expect(Number(rows[0]!['total'])).to.equal(144);
    // Put the right counts back for the next test.
    await test.store.sql('DELETE FROM api_check_daily');
    await test.store.sql('DELETE FROM api_check_daily_done');
  });

  it('gives the 90 daily bars of the raw per-day computation, today so far included', async () => {
    const daily = new CheckDailyCounts((t, p) => test.store.sql(t, p), engine, (err) => { throw err; });
    await daily.fill(NOW);
    const all = await daily.dailyRatios(['steady', 'moved', 'young'], NOW, 90);
    for (const check of ['steady', 'moved', 'young']) {
      const bars = all.get(check)!;
      expect((await daily.dailyRatios([check], NOW, 90)).get(check)).to.deep.equal(bars);
      expect(bars).to.have.length(90);
      expect(bars[89]!.dayStartMs).to.equal(Math.floor(NOW / DAY) * DAY);
      for (const b of bars) {
        const end = Math.min(b.dayStartMs + DAY, NOW);
        const raw = await rawRatios(engine, end - b.dayStartMs, end);
        expect(b.ratio, `${check} ${new Date(b.dayStartMs).toISOString()}`).to.equal(raw.get(check) ?? null);
      }
    }
  });

  it('drops days older than the longest window when it summarises a new day', async () => {
    const old = Math.floor(NOW / DAY) * DAY - 500 * DAY;
    await test.store.sql('INSERT INTO api_check_daily_done (day_start_ms) VALUES ($1)', [old]);
    await test.store.sql("INSERT INTO api_check_daily (check_name, day_start_ms, up, total) VALUES ('steady', $1, 1, 1)", [old]);
    const daily = new CheckDailyCounts((t, p) => test.store.sql(t, p), engine, (err) => { throw err; });
    await daily.fill(NOW + DAY);
    const { rows } = await test.store.sql('SELECT min(day_start_ms) AS first, count(*) AS n FROM api_check_daily_done');
    expect(Number(rows[0]!['n'])).to.equal(370);
    expect(Number(rows[0]!['first'])).to.be.greaterThan(old);
    const { rows: left } = await test.store.sql('SELECT count(*) AS n FROM api_check_daily WHERE day_start_ms = $1', [old]);
    expect(Number(left[0]!['n'])).to.equal(0);
  });
});
