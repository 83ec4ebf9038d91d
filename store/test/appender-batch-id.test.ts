import net from 'node:net';
import { expect } from 'chai';
import { Labels, Matcher } from '@hlmon/model';
import { openStore, StoreError, type Store } from '@hlmon/store';
import { ENGINES, openTestStore, rejects, withStore, type TestStore } from '@hlmon/testkit';

const T0 = Date.UTC(2026, 10, 26);

/** Appends `n` samples of one series named `metric`, one per second from T0. */
function fill(store: Store, metric: string, n: number) {
  const app = store.appender();
  const labels = Labels.from({ __name__: metric, job: 'batch' });
  for (let i = 0; i < n; i++) app.append(labels, T0 + i * 1000, i);
  return app;
}

async function storedCount(store: Store, metric: string): Promise<number> {
  const series = await store.querier().select([new Matcher('=', '__name__', metric)], { start: T0, end: T0 + 10_000_000 });
  return series.reduce((n, s) => n + s.samples.length, 0);
}

for (const engine of ENGINES) {
  describe(`appender batch ids on ${engine}`, () => {
    const ctx = withStore(engine);

    it('writes a batch committed twice under the same id only once', async () => {
      expect(await fill(ctx.store, 'replayed_batch', 5).commit({ batchId: 'b-replayed' })).to.deep.equal({ samples: 5, seriesAdded: 1 });
      expect(await fill(ctx.store, 'replayed_batch', 5).commit({ batchId: 'b-replayed' })).to.deep.equal({ samples: 0, seriesAdded: 0, duplicate: true });
      expect(await storedCount(ctx.store, 'replayed_batch')).to.equal(5);
    });

    it('writes batches with different ids and batches without an id every time', async () => {
      await fill(ctx.store, 'distinct_batches', 3).commit({ batchId: 'b-one' });
      await fill(ctx.store, 'distinct_batches', 3).commit({ batchId: 'b-two' });
      await fill(ctx.store, 'distinct_batches', 3).commit();
      expect(await storedCount(ctx.store, 'distinct_batches')).to.equal(9);
    });

    it('forgets batch ids older than a day when it commits another batch', async () => {
      await fill(ctx.store, 'pruned_batches', 1).commit({ batchId: 'b-old' });
      await ctx.store.sql(`UPDATE write_batches SET committed_at = now() - interval '25 hours' WHERE id = 'b-old'`);
      await fill(ctx.store, 'pruned_batches', 1).commit({ batchId: 'b-new' });
      const { rows } = await ctx.store.sql(`SELECT id FROM write_batches WHERE id IN ('b-old', 'b-new') ORDER BY id`);
      expect(rows.map((r) => r.id)).to.deep.equal(['b-new']);
    });
  });
}

/**
 * A TCP proxy to PostgreSQL that, once armed, cuts both connections at a client's COMMIT: `after` forwards
 * the COMMIT and cuts as soon as the server answers (committed, but the client never hears so); `before`
 * cuts without forwarding it (the server rolls back).
 */
async function commitCuttingProxy(target: URL): Promise<{ url: string; arm(when: 'before' | 'after'): void; cuts: number; close(): Promise<void> }> {
  let armed: 'before' | 'after' | undefined;
  const state = { cuts: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    let commitSent = false;
    client.on('data', (chunk: Buffer) => {
      // A simple-query message 'Q' carrying COMMIT; the test's data never contains that word.
      if (armed && chunk.includes('COMMIT')) {
        if (armed === 'before') {
          armed = undefined;
          state.cuts++;
          client.destroy();
          upstream.destroy();
          return;
        }
        commitSent = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (commitSent) {
        armed = undefined;
        state.cuts++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', () => {});
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(s);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target.href);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.href,
    arm: (when: 'before' | 'after') => { armed = when; },
    get cuts() { return state.cuts; },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('appender batch ids across a connection lost during COMMIT (postgres)', function () {
  this.timeout(60_000);
  let test: TestStore;
  let proxy: Awaited<ReturnType<typeof commitCuttingProxy>>;
  let viaProxy: Store;

  before(async () => {
    test = await openTestStore('postgres');
    proxy = await commitCuttingProxy(new URL(test.location));
    viaProxy = await openStore({ url: proxy.url, connectTimeoutMs: 2000 });
  });

  after(async () => {
    await viaProxy?.close();
    await proxy?.close();
    await test?.dispose();
  });

  it('does not write the batch again when its commit is retried after the connection dropped past COMMIT', async () => {
    proxy.arm('after');
    const cutsBefore = proxy.cuts;
    const err = await rejects(fill(viaProxy, 'cut_after_commit', 7).commit({ batchId: 'b-cut' }));
    expect(err).to.be.instanceOf(StoreError);
    expect(proxy.cuts).to.equal(cutsBefore + 1);
    // PostgreSQL did commit: the samples are there although the client got an error.
    expect(await storedCount(test.store, 'cut_after_commit')).to.equal(7);
    const retry = await fill(viaProxy, 'cut_after_commit', 7).commit({ batchId: 'b-cut' });
    expect(retry.duplicate).to.equal(true);
    expect(await storedCount(test.store, 'cut_after_commit')).to.equal(7);
  });

  it('writes the batch on retry when the connection dropped before COMMIT reached the server', async () => {
    proxy.arm('before');
    await rejects(fill(viaProxy, 'cut_before_commit', 4).commit({ batchId: 'b-rolled-back' }));
    expect(await storedCount(test.store, 'cut_before_commit')).to.equal(0);
    expect(await fill(viaProxy, 'cut_before_commit', 4).commit({ batchId: 'b-rolled-back' })).to.deep.equal({ samples: 4, seriesAdded: 1 });
    expect(await storedCount(test.store, 'cut_before_commit')).to.equal(4);
  });
});
