import { expect } from 'chai';
import { Labels, Matcher, STALE_NAN, isStaleNaN, type Querier } from '@hlmon/model';
import pg from 'pg';
import { ENGINES, openTestStore, rejects, withStore } from '@hlmon/testkit';
import { DAY_MS, QueryTimeoutError } from '@hlmon/store';

// A day without a partition, so its rows land in samples_default, next to a day with one.
const T0 = Date.UTC(2026, 10, 26);

const LABELS = {
  a: Labels.from({ __name__: 'read_path', host: 'a', job: 'node' }),
  b: Labels.from({ __name__: 'read_path', host: 'b', job: 'node' }),
  c: Labels.from({ __name__: 'other_metric', host: 'c', job: 'api', 'zone': 'π' }),
};

/** The columnar select of the store's querier, which the query engine uses when a querier offers it. */
type ColumnSelect = { selectColumns(ms: readonly Matcher[], h: { start: number; end: number }): Promise<{ labels: Labels; ts: number[]; vs: number[] }[]> };

for (const engine of ENGINES) {
  describe(`querier read path on ${engine}`, () => {
    const ctx = withStore(engine);

    before(async () => {
      await ctx.store.ensurePartitions(T0 + DAY_MS, T0 + DAY_MS);
      // Written newest first, over two commits and two partitions, so that the physical row order is not time order.
      const late = ctx.store.appender();
      late.append(LABELS.a, T0 + DAY_MS + 1000, 3);
      late.append(LABELS.a, T0 + 2000, 2);
      late.append(LABELS.b, T0 + 1000, STALE_NAN);
      late.append(LABELS.b, T0 + 2000, -0);
      await late.commit();
      const early = ctx.store.appender();
      early.append(LABELS.a, T0 + 1000, 1);
      early.append(LABELS.c, T0 + 1000, Infinity);
      await early.commit();
    });

    const q = (): Querier => ctx.store.querier();

    it('returns samples in time order although they were written out of order and across partitions', async () => {
      const [a] = await q().select([new Matcher('=', 'host', 'a')], { start: T0, end: T0 + 2 * DAY_MS });
      expect(a!.samples).to.deep.equal([{ t: T0 + 1000, v: 1 }, { t: T0 + 2000, v: 2 }, { t: T0 + DAY_MS + 1000, v: 3 }]);
    });

    it('reads a staleness marker that is the first sample of a series back as the staleness marker', async () => {
      const [b] = await q().select([new Matcher('=', 'host', 'b')], { start: T0, end: T0 + DAY_MS });
      expect(isStaleNaN(b!.samples[0]!.v)).to.equal(true);
      expect(Object.is(b!.samples[1]!.v, -0)).to.equal(true);
    });

    it('gives the same series and samples as columns as it gives as sample objects', async () => {
      const hints = { start: T0, end: T0 + 2 * DAY_MS };
      const ms = [new Matcher('=~', '__name__', 'read_path|other_metric')];
      const rows = await q().select(ms, hints);
      const cols = await (q() as unknown as ColumnSelect).selectColumns(ms, hints);
      expect(cols.map((s) => ({ labels: s.labels.key, samples: s.ts.map((t, i) => ({ t, v: s.vs[i] })) }))).to.deep.equal(
        rows.map((s) => ({ labels: s.labels.key, samples: s.samples })),
      );
      expect(rows.map((s) => s.labels.get('host'))).to.deep.equal(['c', 'a', 'b']);
    });

    it('treats fractional range bounds as inclusive limits on millisecond timestamps', async () => {
      const [a] = await q().select([new Matcher('=', 'host', 'a')], { start: T0 + 999.5, end: T0 + 2000.5 });
      expect(a!.samples.map((s) => s.t)).to.deep.equal([T0 + 1000, T0 + 2000]);
    });

    it('returns nothing for a range that holds no millisecond', async () => {
      expect(await q().select([new Matcher('=', 'host', 'a')], { start: T0 + 1000.2, end: T0 + 1000.8 })).to.deep.equal([]);
    });

    it('lists label names and values in SQL exactly as the JavaScript filter over the same series would', async () => {
      const sets: Matcher[][][] = [
        [],
        [[new Matcher('=', 'job', 'node')]],
        [[new Matcher('=~', 'host', 'a|c')], [new Matcher('!=', 'job', 'node')]],
        [[new Matcher('=', 'zone', '')]],
        [[new Matcher('!~', 'zone', '.+')]],
      ];
      for (const ms of sets) {
        const series = await q().series(ms);
        const names = [...new Set(series.flatMap((l) => l.toArray().map((p) => p.name)))].sort();
        expect(await q().labelNames(ms), JSON.stringify(ms.map(String))).to.deep.equal(names);
        const hosts = [...new Set(series.map((l) => l.get('host')).filter((v) => v !== ''))].sort();
        expect(await q().labelValues('host', ms), JSON.stringify(ms.map(String))).to.deep.equal(hosts);
      }
    });

    it('lists label values through the JavaScript filter when a regex has no SQL translation', async () => {
      expect(await q().labelValues('host', [[new Matcher('=~', 'host', '(?i)[AB]')]])).to.deep.equal(['a', 'b']);
      expect(await q().labelNames([[new Matcher('=~', 'zone', '.{1,3}')]])).to.deep.equal(['__name__', 'host', 'job', 'zone']);
    });

    it('lists metric names and leaves out series without samples in the range', async () => {
      expect(await q().labelValues('__name__')).to.deep.equal(['other_metric', 'read_path']);
      expect(await q().labelValues('host', [], { start: T0 + DAY_MS, end: T0 + 2 * DAY_MS })).to.deep.equal(['a']);
      expect(await q().labelNames([], { start: T0 + 1500, end: T0 + 2500 })).to.deep.equal(['__name__', 'host', 'job']);
    });
  });
}

describe('querier read path after a failed sample read', () => {
  it('reports the timeout and reads again on the same pooled connection', async function () {
    this.timeout(60_000);
    // One connection, so the second select must reuse the one whose COPY failed.
    const t = await openTestStore('postgres', { poolMax: 1, statementTimeoutMs: 500 });
    const locker = new pg.Client({ connectionString: t.location });
    try {
      const app = t.store.appender();
      app.append(LABELS.a, T0, 1);
      await app.commit();
      await locker.connect();
      // The series lookup reads only `series`; the lock makes the sample COPY wait until the statement timeout.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE samples IN ACCESS EXCLUSIVE MODE');
      const err = await rejects(t.store.querier().select([new Matcher('=', 'host', 'a')], { start: T0, end: T0 }));
      expect(err).to.be.instanceOf(QueryTimeoutError);
      await locker.query('ROLLBACK');
      const [a] = await t.store.querier().select([new Matcher('=', 'host', 'a')], { start: T0, end: T0 });
      expect(a!.samples).to.deep.equal([{ t: T0, v: 1 }]);
    } finally {
      await locker.end();
      await t.dispose();
    }
  });
});
