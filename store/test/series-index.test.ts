import { expect } from 'chai';
import { Labels } from '@hlmon/model';
import { ENGINES, withStore } from '@hlmon/testkit';

const T0 = Date.UTC(2026, 10, 26);

for (const engine of ENGINES) {
  describe(`series index on ${engine}`, () => {
    const ctx = withStore(engine);

    it('gives every label set exactly one id when appenders commit overlapping sets concurrently', async () => {
      // Eight writers, each with 600 series of which most overlap with the others' (shuffled differently),
      // committed at the same time: on PostgreSQL they run in parallel transactions on the pool.
      const writers = 8;
      const all = Array.from({ length: 1200 }, (_, i) => Labels.from({ __name__: 'concurrent_series', n: String(i) }));
      const results = await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          const app = ctx.store.appender();
          const mine = all.filter((_, i) => (i + w) % 2 === 0 || i % 7 === w % 7);
          for (let k = mine.length - 1; k > 0; k--) {
            const j = (k * 7919 + w * 104729) % (k + 1);
            [mine[k], mine[j]] = [mine[j]!, mine[k]!];
          }
          for (const l of mine) app.append(l, T0 + w, w);
          return app.commit();
        }),
      );
      const rows = (await ctx.store.knex.raw(`SELECT key, count(*) AS n FROM series WHERE metric = 'concurrent_series' GROUP BY key`)).rows as { key: string; n: number }[];
      expect(rows).to.have.length(all.length);
      expect(rows.filter((r) => r.n !== 1)).to.deep.equal([]);
      expect(results.reduce((sum, r) => sum + r.seriesAdded, 0)).to.equal(all.length);
    });

    it('returns the ids of existing series to an index with an empty cache and inserts only the new ones', async () => {
      const labels = Labels.from({ __name__: 'existing_series', job: 'x' });
      const first = ctx.store.appender();
      first.append(labels, T0, 1);
      expect((await first.commit()).seriesAdded).to.equal(1);
      // A second index (as in another process) resolving one known and one new key.
      const { SeriesIndex } = await import('@hlmon/store');
      const index = new SeriesIndex();
      const conn = await (ctx.store.knex.client as unknown as { acquireConnection(): Promise<import('pg').Client> }).acquireConnection();
      try {
        const resolved = await index.resolve(conn, [labels, Labels.from({ __name__: 'existing_series', job: 'y' })]);
        expect(resolved.added).to.equal(1);
        const ids = (await conn.query(`SELECT key, id FROM series WHERE metric = 'existing_series'`)).rows as { key: string; id: number }[];
        expect(Object.fromEntries(resolved.ids)).to.deep.equal(Object.fromEntries(ids.map((r) => [r.key, r.id])));
      } finally {
        await (ctx.store.knex.client as unknown as { releaseConnection(c: unknown): Promise<void> }).releaseConnection(conn);
      }
    });
  });
}
