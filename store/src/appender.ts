/**
 * The Appender of the storage contract (model/src/storage.ts): buffers samples in memory and writes them in
 * one transaction on commit.
 */
import { isStaleNaN, type Appender, type CommitOptions, type CommitResult, type Labels } from '@hlmon/model';
import type { Knex } from 'knex';
import { inTransaction } from './connection.js';
import { BadInputError, StoreError } from './errors.js';
import { DAY_MS, type PartitionManager } from './partitions.js';
import { orderBySeries, type SampleWriter } from './sample-writer.js';
import type { ResolvedSeries, SeriesIndex } from './series-index.js';

/**
 * How long a committed batch id is remembered. A writer retries a batch id only while it still holds the
 * batch: in memory (seconds) or in its spool, which a scraper replays at its next start. A day covers a
 * scraper that stays down overnight; a batch replayed later than that could be written twice.
 */
export const BATCH_ID_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Records the batch id; returns no row when the id was already there. A concurrent transaction inserting
 * the same id makes this one wait for it, then see the conflict (or insert, if that one rolled back).
 */
const RECORD_BATCH_SQL = 'INSERT INTO write_batches (id, samples) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id';

/**
 * Forgets old batch ids a few at a time on every commit that has an id, so the table stays about one
 * retention period long without a separate job. SKIP LOCKED: two writers pruning at once never wait on each
 * other's deletes.
 */
const PRUNE_BATCHES_SQL = `
DELETE FROM write_batches WHERE id IN (
  SELECT id FROM write_batches WHERE committed_at < now() - make_interval(secs => $1::double precision / 1000)
  ORDER BY committed_at LIMIT 100 FOR UPDATE SKIP LOCKED)`;

/** Samples an appender makes room for at first; it doubles as needed. */
const INITIAL_CAPACITY = 1024;

/** What an appender needs from its store. */
export interface AppenderDeps {
  readonly knex: Knex;
  readonly index: SeriesIndex;
  readonly partitions: PartitionManager;
  readonly writer: SampleWriter;
  readonly address: string;
}

/**
 * Buffers samples and commits them atomically: series get-or-create and all sample rows happen in one
 * transaction, so a failed commit leaves neither series nor samples behind. With a batch id, the id is
 * recorded in that transaction too and a batch already recorded is skipped. Single use, not concurrent.
 */
export class StoreAppender implements Appender {
  /**
   * Series id per sample: the id when the index knew the series at append time, else `-(slot + 1)` where
   * `slot` indexes `newLabels`. Resolving at append time keeps a steady writer (every series known) to one
   * memo read per sample (SeriesIndex.idOf) and no per-commit map.
   */
  private ids = new Float64Array(INITIAL_CAPACITY);
  private timestamps = new Float64Array(INITIAL_CAPACITY);
  private values = new Float64Array(INITIAL_CAPACITY);
  /**
   * 1 marks the staleness marker, kept apart from the value because a NaN's payload bits do not survive
   * every JavaScript container. Columns are typed arrays: no per-element boxing or elements-kind changes,
   * and the garbage collector never scans them.
   */
  private stale = new Uint8Array(INITIAL_CAPACITY);
  private n = 0;
  private readonly newSlot = new Map<string, number>();
  private readonly newLabels: Labels[] = [];
  /** Days (since the epoch) of the appended timestamps, for the partitions; the last one is `dayStart`. */
  private readonly days = new Set<number>();
  private dayStart = 1;
  private dayEnd = 0;
  private finished = false;

  constructor(private readonly deps: AppenderDeps) {}

  append(labels: Labels, t: number, v: number): void {
    if (this.finished) throw new StoreError('appender already committed or rolled back; create a new one', { code: 'CLOSED' });
    if (!Number.isSafeInteger(t)) {
      throw new BadInputError(`sample of ${labels.toString()} has timestamp ${t}: must be an integer number of milliseconds`);
    }
    if (typeof v !== 'number') throw new BadInputError(`sample of ${labels.toString()} has a non-numeric value: ${String(v)}`);
    const i = this.n;
    if (i === this.ids.length) this.grow();
    let id = this.deps.index.idOf(labels);
    if (id === undefined) {
      const key = labels.key;
      let slot = this.newSlot.get(key);
      if (slot === undefined) {
        slot = this.newLabels.length;
        this.newLabels.push(labels);
        this.newSlot.set(key, slot);
      }
      id = -(slot + 1);
    }
    this.ids[i] = id;
    this.timestamps[i] = t;
    if (isStaleNaN(v)) this.stale[i] = 1;
    else this.values[i] = v;
    this.n = i + 1;
    // Samples of one writer nearly always fall on the same day as the previous one: one comparison.
    if (t < this.dayStart || t >= this.dayEnd) {
      const day = Math.floor(t / DAY_MS);
      this.days.add(day);
      this.dayStart = day * DAY_MS;
      this.dayEnd = this.dayStart + DAY_MS;
    }
  }

  async commit(options: CommitOptions = {}): Promise<CommitResult> {
    if (this.finished) throw new StoreError('appender already committed or rolled back; create a new one', { code: 'CLOSED' });
    this.finished = true;
    const n = this.n;
    if (n === 0) return { samples: 0, seriesAdded: 0 };
    const { knex, index, partitions, writer, address } = this.deps;
    await partitions.ensureForTimestamps([...this.days].map((d) => d * DAY_MS));

    const { batchId } = options;
    const newLabels = this.newLabels;
    const result = await inTransaction(knex, { address, doing: `committing ${n} samples` }, async (conn) => {
      if (batchId !== undefined) {
        // First, so that a replayed batch costs one statement and creates no series.
        const recorded = await conn.query(RECORD_BATCH_SQL, [batchId, n]);
        if (recorded.rowCount === 0) return undefined;
        await conn.query(PRUNE_BATCHES_SQL, [BATCH_ID_RETENTION_MS]);
      }
      let seriesIds = this.ids.subarray(0, n);
      let resolved: ResolvedSeries = { ids: new Map<string, number>(), added: 0 };
      if (newLabels.length > 0) {
        resolved = await index.resolve(conn, newLabels);
        const idOfSlot = newLabels.map((l) => resolved.ids.get(l.key)!);
        // A copy: a failed transaction must leave `ids` as appended (the appender is not reused, but a
        // rejected commit should not leave half-rewritten state behind for debugging).
        seriesIds = seriesIds.map((id) => (id < 0 ? idOfSlot[-id - 1]! : id));
      }
      await writer.write(conn, orderBySeries({
        seriesIds, timestamps: this.timestamps.subarray(0, n), values: this.values.subarray(0, n), stale: this.stale.subarray(0, n),
      }));
      return resolved;
    });
    this.clear();
    if (result === undefined) return { samples: 0, seriesAdded: 0, duplicate: true };
    // Only now are the new ids committed and safe to cache.
    for (const l of newLabels) index.rememberLabels(l, result.ids.get(l.key)!);
    return { samples: n, seriesAdded: result.added };
  }

  async rollback(): Promise<void> {
    this.finished = true;
    this.clear();
  }

  private grow(): void {
    const cap = this.ids.length * 2;
    const ids = new Float64Array(cap); ids.set(this.ids); this.ids = ids;
    const ts = new Float64Array(cap); ts.set(this.timestamps); this.timestamps = ts;
    const vs = new Float64Array(cap); vs.set(this.values); this.values = vs;
    const st = new Uint8Array(cap); st.set(this.stale); this.stale = st;
  }

  private clear(): void {
    this.newSlot.clear();
    this.n = 0;
    const empty = new Float64Array(0);
    this.ids = empty;
    this.timestamps = empty;
    this.values = empty;
    this.stale = new Uint8Array(0);
  }
}
