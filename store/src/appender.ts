/**
 * The Appender of the storage contract (model/src/storage.ts): buffers samples in memory and writes them in
 * one transaction on commit.
 */
import { isStaleNaN, type Appender, type CommitOptions, type CommitResult, type Labels } from '@hlmon/model';
import type { Knex } from 'knex';
import { inTransaction } from './connection.js';
import { BadInputError, StoreError } from './errors.js';
import type { PartitionManager } from './partitions.js';
import type { SampleWriter } from './sample-writer.js';
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
   * cache lookup per sample and no per-commit map.
   */
  private readonly ids: number[] = [];
  private readonly newSlot = new Map<string, number>();
  private readonly newLabels: Labels[] = [];
  private readonly timestamps: number[] = [];
  // null stands for the staleness marker: it is kept out of the float array because V8 may change NaN
  // payload bits when a NaN is stored in a double array.
  private readonly values: (number | null)[] = [];
  private finished = false;

  constructor(private readonly deps: AppenderDeps) {}

  append(labels: Labels, t: number, v: number): void {
    if (this.finished) throw new StoreError('appender already committed or rolled back; create a new one', { code: 'CLOSED' });
    if (!Number.isSafeInteger(t)) {
      throw new BadInputError(`sample of ${labels.toString()} has timestamp ${t}: must be an integer number of milliseconds`);
    }
    if (typeof v !== 'number') throw new BadInputError(`sample of ${labels.toString()} has a non-numeric value: ${String(v)}`);
    const key = labels.key;
    const id = this.deps.index.cached(key);
    if (id !== undefined) {
      this.ids.push(id);
    } else {
      let slot = this.newSlot.get(key);
      if (slot === undefined) {
        slot = this.newLabels.length;
        this.newLabels.push(labels);
        this.newSlot.set(key, slot);
      }
      this.ids.push(-(slot + 1));
    }
    this.timestamps.push(t);
    this.values.push(isStaleNaN(v) ? null : v);
  }

  async commit(options: CommitOptions = {}): Promise<CommitResult> {
    if (this.finished) throw new StoreError('appender already committed or rolled back; create a new one', { code: 'CLOSED' });
    this.finished = true;
    const n = this.ids.length;
    if (n === 0) return { samples: 0, seriesAdded: 0 };
    const { knex, index, partitions, writer, address } = this.deps;
    await partitions.ensureForTimestamps(this.timestamps);

    const { batchId } = options;
    const result = await inTransaction(knex, { address, doing: `committing ${n} samples` }, async (conn) => {
      if (batchId !== undefined) {
        // First, so that a replayed batch costs one statement and creates no series.
        const recorded = await conn.query(RECORD_BATCH_SQL, [batchId, n]);
        if (recorded.rowCount === 0) return undefined;
        await conn.query(PRUNE_BATCHES_SQL, [BATCH_ID_RETENTION_MS]);
      }
      let seriesIds = this.ids;
      let resolved: ResolvedSeries = { ids: new Map<string, number>(), added: 0 };
      if (this.newLabels.length > 0) {
        resolved = await index.resolve(conn, this.newLabels);
        const idOfSlot = this.newLabels.map((l) => resolved.ids.get(l.key)!);
        // A copy: a failed transaction must leave `ids` as appended (the appender is not reused, but a
        // rejected commit should not leave half-rewritten state behind for debugging).
        seriesIds = this.ids.map((id) => (id < 0 ? idOfSlot[-id - 1]! : id));
      }
      await writer.write(conn, { seriesIds, timestamps: this.timestamps, values: this.values });
      return resolved;
    });
    this.clear();
    if (result === undefined) return { samples: 0, seriesAdded: 0, duplicate: true };
    // Only now are the new ids committed and safe to cache.
    index.remember(result.ids);
    return { samples: n, seriesAdded: result.added };
  }

  async rollback(): Promise<void> {
    this.finished = true;
    this.clear();
  }

  private clear(): void {
    this.newSlot.clear();
    this.newLabels.length = 0;
    this.ids.length = 0;
    this.timestamps.length = 0;
    this.values.length = 0;
  }
}
