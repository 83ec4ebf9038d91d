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
import type { SeriesIndex } from './series-index.js';

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
 * transaction, so a failed commit leaves neither series nor samples behind. Single use, not concurrent.
 */
export class StoreAppender implements Appender {
  private readonly seriesSlot = new Map<string, number>();
  private readonly seriesLabels: Labels[] = [];
  private readonly slots: number[] = [];
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
    let slot = this.seriesSlot.get(labels.key);
    if (slot === undefined) {
      slot = this.seriesLabels.length;
      this.seriesLabels.push(labels);
      this.seriesSlot.set(labels.key, slot);
    }
    this.slots.push(slot);
    this.timestamps.push(t);
    this.values.push(isStaleNaN(v) ? null : v);
  }

  async commit(options: CommitOptions = {}): Promise<CommitResult> {
    if (this.finished) throw new StoreError('appender already committed or rolled back; create a new one', { code: 'CLOSED' });
    this.finished = true;
    const n = this.slots.length;
    if (n === 0) return { samples: 0, seriesAdded: 0 };
    const { knex, index, partitions, writer, address } = this.deps;
    await partitions.ensureForTimestamps(this.timestamps);

    const missing = this.seriesLabels.filter((l) => index.cached(l.key) === undefined);
    const { batchId } = options;
    const result = await inTransaction(knex, { address, doing: `committing ${n} samples` }, async (conn) => {
      if (batchId !== undefined) {
        // First, so that a replayed batch costs one statement and creates no series.
        const recorded = await conn.query(RECORD_BATCH_SQL, [batchId, n]);
        if (recorded.rowCount === 0) return undefined;
        await conn.query(PRUNE_BATCHES_SQL, [BATCH_ID_RETENTION_MS]);
      }
      const resolved = missing.length > 0 ? await index.resolve(conn, missing) : { ids: new Map<string, number>(), added: 0 };
      const idOfSlot = this.seriesLabels.map((l) => index.cached(l.key) ?? resolved.ids.get(l.key)!);
      const seriesIds = new Array<number>(n);
      for (let i = 0; i < n; i++) seriesIds[i] = idOfSlot[this.slots[i]!]!;
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
    this.seriesSlot.clear();
    this.seriesLabels.length = 0;
    this.slots.length = 0;
    this.timestamps.length = 0;
    this.values.length = 0;
  }
}
