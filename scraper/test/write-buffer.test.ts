import { expect } from 'chai';
import { appendFile, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Labels, STALE_NAN, systemClock } from '@hlmon/model';
import { type SampleBatch, Spool, WriteBuffer } from '@hlmon/scraper';
import { seededRandom } from '@hlmon/testkit';
import { SwitchableStore } from './helpers/memory-appender.js';

const series = Labels.from({ __name__: 'm', job: 'j' });

/** Batch `i` holds `n` samples at t = i*1000 + k. */
function batch(i: number, n = 10): SampleBatch {
  const b: SampleBatch = { labels: [], t: [], v: [] };
  for (let k = 0; k < n; k++) { b.labels.push(series.with('k', String(k))); b.t.push(i * 1000 + k); b.v.push(i); }
  return b;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

async function setup(opts: { maxBufferedSamples?: number; maxCommitSamples?: number; maxCommitDelayMs?: number } = {}): Promise<{ dir: string; store: SwitchableStore; buffer: WriteBuffer }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-'));
  const store = new SwitchableStore();
  const buffer = new WriteBuffer({ appender: store.appender, spool: await Spool.open(dir), clock: systemClock, retryDelayMs: 5, spoolFlushMs: 5, ...opts });
  return { dir, store, buffer };
}

function timestamps(store: SwitchableStore): number[] {
  return store.committed.map((s) => s.t);
}

/** Committed timestamps sorted: equal to the expected list means every sample once, none twice. */
function sortedTimestamps(store: SwitchableStore): number[] {
  return timestamps(store).sort((a, b) => a - b);
}

function expectedTimestamps(batches: number, n = 10): number[] {
  const out: number[] = [];
  for (let i = 0; i < batches; i++) for (let k = 0; k < n; k++) out.push(i * 1000 + k);
  return out;
}

describe('write buffer and spool', () => {
  it('commits batches in order while the store is up', async () => {
    const { store, buffer } = await setup();
    buffer.start();
    for (let i = 0; i < 5; i++) buffer.write(batch(i));
    await until(() => store.committed.length === 50, 'commits');
    await buffer.stop();
    expect(timestamps(store)).to.deep.equal(expectedTimestamps(5));
  });

  it('groups the batches that arrive within the commit delay into one commit, and commits a lone batch after the delay', async () => {
    const { store, buffer } = await setup({ maxCommitDelayMs: 200 });
    buffer.start();
    for (let i = 0; i < 5; i++) buffer.write(batch(i));
    await until(() => store.committed.length === 50, 'the grouped commit');
    expect(buffer.stats.commits).to.equal(1);
    buffer.write(batch(5));
    await until(() => store.committed.length === 60, 'the lone batch');
    await buffer.stop();
    expect(buffer.stats.commits).to.equal(2);
    expect(timestamps(store)).to.deep.equal(expectedTimestamps(6));
  });

  it('commits a full group without waiting for the commit delay', async () => {
    const { store, buffer } = await setup({ maxCommitDelayMs: 3_600_000, maxCommitSamples: 20 });
    buffer.start();
    buffer.write(batch(0));
    buffer.write(batch(1));
    await until(() => store.committed.length === 20, 'the full group');
    expect(buffer.stats.commits).to.equal(1);
    await buffer.stop();
  });

  it('holds samples in memory during an outage and writes each exactly once when the store returns', async () => {
    const { store, buffer } = await setup();
    store.down = true;
    buffer.start();
    for (let i = 0; i < 5; i++) buffer.write(batch(i));
    await until(() => buffer.stats.writeErrors >= 3, 'failed commits');
    expect(buffer.stats.bufferedSamples).to.equal(50);
    store.down = false;
    await until(() => store.committed.length === 50, 'replay');
    await buffer.stop();
    expect(timestamps(store)).to.deep.equal(expectedTimestamps(5));
  });

  it('spills beyond the memory bound to the spool and writes every sample exactly once', async () => {
    const { store, buffer } = await setup({ maxBufferedSamples: 20 });
    store.down = true;
    buffer.start();
    for (let i = 0; i < 8; i++) buffer.write(batch(i));
    await until(() => buffer.stats.spoolBytes > 0, 'spool writes');
    expect(buffer.stats.spooledSamples).to.equal(60);
    store.down = false;
    await until(() => store.committed.length === 80, 'replay');
    await buffer.stop();
    expect(sortedTimestamps(store)).to.deep.equal(expectedTimestamps(8));
    expect(buffer.stats.spoolBytes).to.equal(0);
  });

  it('spools everything on stop during an outage and a new run writes it exactly once', async () => {
    const { dir, store, buffer } = await setup({ maxBufferedSamples: 20 });
    store.down = true;
    buffer.start();
    for (let i = 0; i < 6; i++) buffer.write(batch(i));
    await until(() => buffer.stats.writeErrors >= 1, 'a failed commit');
    await buffer.stop(50);
    expect(store.committed).to.have.length(0);

    store.down = false;
    const next = new WriteBuffer({ appender: store.appender, spool: await Spool.open(dir), clock: systemClock, retryDelayMs: 5, spoolFlushMs: 5 });
    next.write(batch(6));
    next.start();
    await until(() => store.committed.length === 70, 'replay after restart');
    await next.stop();
    expect(sortedTimestamps(store)).to.deep.equal(expectedTimestamps(7));
    expect((await readdir(dir)).filter((f) => f.endsWith('.spool'))).to.deep.equal([]);
  });

  it('keeps staleness markers through the spool', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-'));
    const spool = await Spool.open(dir);
    await spool.append([{ labels: [series], t: [1], v: [STALE_NAN] }]);
    const rec = await (await Spool.open(dir)).peek();
    expect(rec!.batch.v.length).to.equal(1);
    expect(Number.isNaN(rec!.batch.v[0])).to.equal(true);
    const store = new SwitchableStore();
    const app = store.appender();
    app.append(rec!.batch.labels[0]!, rec!.batch.t[0]!, rec!.batch.v[0]!);
    await app.commit();
    expect(store.committed[0]!.stale).to.equal(true);
  });

  it('replays spool records in the order they were written, across segments written at stop', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-'));
    const spool = await Spool.open(dir);
    await spool.append([batch(2)]);
    await spool.append([batch(3)]);
    // At stop, batches still in memory are older than what is on disk: they go in front.
    await spool.prepend([batch(0), batch(1)]);
    const reopened = await Spool.open(dir);
    const got: number[] = [];
    for (let rec = await reopened.peek(); rec; rec = await reopened.peek()) {
      got.push(rec.batch.v[0]!);
      await reopened.ack(rec.position);
    }
    expect(got).to.deep.equal([0, 1, 2, 3]);
  });

  it('drops a torn record at the end of a segment and keeps the records before it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-'));
    const spool = await Spool.open(dir);
    await spool.append([batch(0), batch(1)]);
    const [segment] = (await readdir(dir)).filter((f) => f.endsWith('.spool'));
    // A crash in the middle of a write leaves a length prefix without its payload.
    await appendFile(path.join(dir, segment!), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5]));
    const reopened = await Spool.open(dir);
    const got: number[] = [];
    for (let rec = await reopened.peek(); rec; rec = await reopened.peek()) {
      got.push(rec.batch.v[0]!);
      await reopened.ack(rec.position);
    }
    expect(got).to.deep.equal([0, 1]);
    expect(reopened.empty).to.equal(true);
  });

  it('does not replay records acknowledged before a restart', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-'));
    const spool = await Spool.open(dir);
    await spool.append([batch(0), batch(1), batch(2)]);
    const first = await spool.peek();
    await spool.ack(first!.position);
    const reopened = await Spool.open(dir);
    expect((await reopened.peek())!.batch.v[0]).to.equal(1);
  });

  it('writes a key once per segment: a record of series already spooled holds numbers, not their keys', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-'));
    const spool = await Spool.open(dir);
    // Keys as varied as real ones (deflate would shrink 500 near-identical keys to almost nothing anyway).
    const random = seededRandom(7);
    const keys = Array.from({ length: 500 }, (_, k) => series.with('id', Array.from({ length: 40 }, () => Math.floor(random() * 36).toString(36)).join('')).with('k', String(k)));
    const many = (i: number): SampleBatch => ({ labels: [...keys], t: keys.map((_, k) => i * 1000 + k), v: keys.map(() => i) });
    await spool.append([many(0)]);
    const first = spool.bytes;
    await spool.append([many(1)]);
    const second = spool.bytes - first;
    // 500 keys of ~25 bytes each are in the first record only.
    expect(second).to.be.below(first / 2);
    const reopened = await Spool.open(dir);
    const got: string[] = [];
    for (let rec = await reopened.peek(); rec; rec = await reopened.peek()) {
      got.push(`${rec.batch.labels[499]!.key === keys[499]!.key} ${rec.batch.t[499]}`);
      await reopened.ack(rec.position);
    }
    expect(got).to.deep.equal(['true 499', 'true 1499']);
  });

  it('reads the right series when a restart resumes in the middle of a segment, past the records that defined its keys', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-'));
    const spool = await Spool.open(dir);
    const a = Labels.from({ __name__: 'a' }), b = Labels.from({ __name__: 'b' }), c = Labels.from({ __name__: 'c' });
    await spool.append([{ labels: [a, b], t: [1, 1], v: [1, 2] }]);
    await spool.append([{ labels: [b, c, a], t: [2, 2, 2], v: [3, 4, 5] }]);
    const rec = await spool.peek();
    await spool.ack(rec!.position);
    await spool.close();
    // The same record again before its acknowledgement (a failed commit) must not learn its keys twice.
    const reopened = await Spool.open(dir);
    const second = await reopened.peek();
    expect((await reopened.peek())!.batch.labels.map((l) => l.key)).to.deep.equal(second!.batch.labels.map((l) => l.key));
    expect(second!.batch.labels.map((l) => l.metricName)).to.deep.equal(['b', 'c', 'a']);
    expect(second!.batch.v).to.deep.equal([3, 4, 5]);
    // Appending after a restart starts a segment of its own, with its own dictionary.
    await reopened.append([{ labels: [c], t: [3], v: [6] }]);
    await reopened.ack(second!.position);
    const third = await reopened.peek();
    expect(third!.batch.labels[0]!.key).to.equal(c.key);
    expect(third!.batch.v).to.deep.equal([6]);
    await reopened.close();
  });

  it('numbers keys afresh when a consumed segment number comes back at stop', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-'));
    const spool = await Spool.open(dir);
    const a = Labels.from({ __name__: 'a' }), b = Labels.from({ __name__: 'b' });
    await spool.append([{ labels: [a], t: [1], v: [1] }]);
    const rec = await spool.peek();
    await spool.ack(rec!.position);
    expect(await spool.peek()).to.equal(undefined); // the segment is consumed and removed
    await spool.prepend([{ labels: [b], t: [2], v: [2] }]); // takes the first segment number again
    await spool.append([{ labels: [a, b], t: [3, 3], v: [3, 4] }]);
    await spool.close();
    const reopened = await Spool.open(dir);
    const got: string[] = [];
    for (let r = await reopened.peek(); r; r = await reopened.peek()) {
      got.push(r.batch.labels.map((l, i) => `${l.metricName}@${r.batch.t[i]}`).join(','));
      await reopened.ack(r.position);
    }
    expect(got).to.deep.equal(['b@2', 'a@3,b@3']);
  });

  it('replays a spool written by the earlier record format (keys in every record)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-'));
    await cp(new URL('./fixtures/spool-v1', import.meta.url), dir, { recursive: true });
    const spool = await Spool.open(dir);
    const got: string[] = [];
    for (let rec = await spool.peek(); rec; rec = await spool.peek()) {
      got.push(`${rec.batch.id}: ${rec.batch.labels.map((l, i) => `${l.get('k')}@${rec.batch.t[i]}=${Number.isNaN(rec.batch.v[i]) ? 'stale' : rec.batch.v[i]}`).join(' ')}`);
      await spool.ack(rec.position);
    }
    expect(got).to.deep.equal([
      'v1-record-0: 0@0=0 1@1=0.1 2@2=0.2 3@3=stale',
      'v1-record-1: 0@1000=1 1@1001=1.1 2@1002=1.2 3@1003=stale',
      'v1-record-2: 0@2000=2 1@2001=2.1 2@2002=2.2 3@2003=stale',
    ]);
  });

  it('retries a commit whose acknowledgement was lost under the same batch id, so it is written once', async () => {
    const { store, buffer } = await setup();
    store.loseAcknowledgements = true;
    buffer.start();
    for (let i = 0; i < 3; i++) buffer.write(batch(i));
    await until(() => buffer.stats.writeErrors >= 1, 'a commit whose acknowledgement was lost');
    store.loseAcknowledgements = false;
    await until(() => buffer.stats.duplicateBatches >= 1 && buffer.pendingSamples === 0, 'the retry');
    await buffer.stop();
    expect(sortedTimestamps(store)).to.deep.equal(expectedTimestamps(3));
  });

  it('keeps a batch whose commit failed as one spool record with its batch id at stop', async () => {
    const { dir, store, buffer } = await setup();
    store.loseAcknowledgements = true;
    // The store goes down right after the commit it did not acknowledge, so the retry cannot succeed.
    store.afterLostAcknowledgement = () => { store.down = true; };
    buffer.start();
    for (let i = 0; i < 3; i++) buffer.write(batch(i));
    await until(() => buffer.stats.writeErrors >= 2, 'a lost acknowledgement, then a failed retry');
    await buffer.stop(20);
    expect(store.committed).to.have.length(30);

    store.down = false;
    store.loseAcknowledgements = false;
    const next = new WriteBuffer({ appender: store.appender, spool: await Spool.open(dir), clock: systemClock, retryDelayMs: 5, spoolFlushMs: 5 });
    next.start();
    await until(() => next.idle, 'replay after restart');
    await next.stop();
    expect(sortedTimestamps(store)).to.deep.equal(expectedTimestamps(3));
    expect(next.stats.duplicateBatches).to.equal(1);
  });

  it('writes a spool record once when a crash came between its commit and its acknowledgement', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-'));
    // Records as the write buffer spools them, each with its batch id.
    await (await Spool.open(dir)).append([{ ...batch(0), id: 'record-0' }, { ...batch(1), id: 'record-1' }]);
    // The spool folder as it was before the replay: a crash after the commit, before cursor.json changed.
    const before = await mkdtemp(path.join(os.tmpdir(), 'hlmon-spool-copy-'));
    await cp(dir, before, { recursive: true });
    const store = new SwitchableStore();
    const first = new WriteBuffer({ appender: store.appender, spool: await Spool.open(dir), clock: systemClock, retryDelayMs: 5, spoolFlushMs: 5 });
    first.start();
    await until(() => first.idle, 'the first replay');
    await first.stop();

    await rm(dir, { recursive: true });
    await cp(before, dir, { recursive: true });
    const again = new WriteBuffer({ appender: store.appender, spool: await Spool.open(dir), clock: systemClock, retryDelayMs: 5, spoolFlushMs: 5 });
    again.start();
    await until(() => again.idle, 'the second replay');
    await again.stop();
    expect(sortedTimestamps(store)).to.deep.equal(expectedTimestamps(2));
    expect(again.stats.duplicateBatches).to.equal(2);
  });
});
