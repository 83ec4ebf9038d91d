import { expect } from 'chai';
import { Labels, Matcher, STALE_NAN, float64Bits, isStaleNaN } from '@hlmon/model';
import { ENGINES, rejects, withStore } from '@hlmon/testkit';
import { StoreError } from '@hlmon/store';

const T0 = Date.UTC(2026, 10, 26);

for (const engine of ENGINES) {
  describe(`appender on ${engine}`, () => {
    const ctx = withStore(engine);

    it('commits samples and reports how many series it added', async () => {
      const app = ctx.store.appender();
      const a = Labels.from({ __name__: 'up', job: 'node', instance: 'a' });
      const b = Labels.from({ __name__: 'up', job: 'node', instance: 'b' });
      app.append(a, T0, 1);
      app.append(b, T0, 0);
      app.append(a, T0 + 15_000, 1);
      expect(await app.commit()).to.deep.equal({ samples: 3, seriesAdded: 2 });
      const again = ctx.store.appender();
      again.append(a, T0 + 30_000, 1);
      expect(await again.commit()).to.deep.equal({ samples: 1, seriesAdded: 0 });
    });

    it('reads back special float values bit for bit and the staleness marker as STALE_NAN', async () => {
      const values = [0, -0, 1.5, -2.25e300, Infinity, -Infinity, 5e-324, -2.2250738585072014e-308, Number.MAX_VALUE, 0.1 + 0.2, NaN];
      const labels = Labels.from({ __name__: 'special_values' });
      const app = ctx.store.appender();
      values.forEach((v, i) => app.append(labels, T0 + i, v));
      app.append(labels, T0 + values.length, STALE_NAN);
      await app.commit();
      const [series] = await ctx.store.querier().select([new Matcher('=', '__name__', 'special_values')], { start: T0, end: T0 + 100 });
      const got = series!.samples;
      expect(got.map((s) => s.t)).to.deep.equal(values.map((_, i) => T0 + i).concat(T0 + values.length));
      for (let i = 0; i < values.length - 1; i++) expect(float64Bits(got[i]!.v), `value ${values[i]}`).to.equal(float64Bits(values[i]!));
      expect(Number.isNaN(got[values.length - 1]!.v)).to.equal(true);
      expect(isStaleNaN(got[values.length - 1]!.v)).to.equal(false);
      expect(isStaleNaN(got[values.length]!.v)).to.equal(true);
    });

    it('leaves nothing behind after a rollback', async () => {
      const app = ctx.store.appender();
      app.append(Labels.from({ __name__: 'rolled_back_metric' }), T0, 1);
      await app.rollback();
      const q = ctx.store.querier();
      expect(await q.series([[new Matcher('=', '__name__', 'rolled_back_metric')]])).to.deep.equal([]);
    });

    it('refuses to be used again after commit', async () => {
      const app = ctx.store.appender();
      await app.commit();
      expect(() => app.append(Labels.from({ __name__: 'x' }), T0, 1)).to.throw(StoreError, /already committed/);
      await rejects(app.commit());
    });

    it('rejects a timestamp that is not an integer number of milliseconds', () => {
      const app = ctx.store.appender();
      expect(() => app.append(Labels.from({ __name__: 'x' }), 1.5, 1)).to.throw(StoreError, /timestamp 1.5/);
    });
  });
}
