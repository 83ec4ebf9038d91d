import { expect } from 'chai';
import { Labels, Matcher } from '@hlmon/model';
import { ENGINES, rejects, withStore } from '@hlmon/testkit';
import { StoreError } from '@hlmon/store';

const T0 = Date.UTC(2026, 10, 26);

for (const engine of ENGINES) {
  describe(`commit atomicity on ${engine}`, () => {
    const ctx = withStore(engine);

    before(async () => {
      // A real server-side failure in the middle of writing samples: the trigger fires on the row with value
      // 666, after the series rows were inserted and earlier samples written in the same transaction.
      await ctx.store.knex.raw(`
        CREATE FUNCTION reject_666() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.v = 666 THEN RAISE EXCEPTION 'value 666 rejected by test trigger'; END IF;
          RETURN NEW;
        END $$`);
      await ctx.store.knex.raw('CREATE TRIGGER reject_666 BEFORE INSERT ON samples FOR EACH ROW EXECUTE FUNCTION reject_666()');
    });

    it('leaves neither series nor samples when a commit fails mid-way', async () => {
      const app = ctx.store.appender();
      for (let i = 0; i < 500; i++) app.append(Labels.from({ __name__: 'half_written', i: String(i) }), T0 + i, i);
      app.append(Labels.from({ __name__: 'half_written', i: 'last' }), T0 + 1000, 666);
      const err = await rejects(app.commit());
      expect(err).to.be.instanceOf(StoreError);
      expect(err.message).to.match(/committing 501 samples: .*value 666 rejected/);
      const counts = await ctx.store.knex.raw(`SELECT (SELECT count(*) FROM series WHERE metric = 'half_written') AS series, (SELECT count(*) FROM samples) AS samples`);
      expect(counts.rows[0]).to.deep.equal({ series: 0, samples: 0 });
    });

    it('writes the same series again after a failed commit, with fresh ids', async () => {
      const labels = Labels.from({ __name__: 'retry_after_failure' });
      const bad = ctx.store.appender();
      bad.append(labels, T0, 666);
      await rejects(bad.commit());
      const good = ctx.store.appender();
      good.append(labels, T0, 1);
      expect(await good.commit()).to.deep.equal({ samples: 1, seriesAdded: 1 });
      const got = await ctx.store.querier().select([new Matcher('=', '__name__', 'retry_after_failure')], { start: T0, end: T0 });
      expect(got.map((s) => s.samples)).to.deep.equal([[{ t: T0, v: 1 }]]);
    });
  });
}
