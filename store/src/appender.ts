/**
 * The Appender of the storage contract (model/src/storage.ts): buffers samples in memory and writes them in
 * one transaction on commit.
 */
import { isStaleNaN, type Appender, type CommitResult, type Labels } from '@hlmon/model';
import type { Knex } from 'knex';
import { inTransaction } from './connection.js';
import { BadInputError, StoreError } from './errors.js';
import type { PartitionManager } from './partitions.js';
import type { SampleWriter } from './sample-writer.js';
import type { SeriesIndex } from './series-index.js';

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

  async commit(): Promise<CommitResult> {
    if (this.finished) throw new StoreError('appender already committed or rolled back; create a new one', { code: 'CLOSED' });
    this.finished = true;
    const n = this.slots.length;
    if (n === 0) return { samples: 0, seriesAdded: 0 };
    const { knex, index, partitions, writer, address } = this.deps;
    await partitions.ensureForTimestamps(this.timestamps);

    const missing = this.seriesLabels.filter((l) => index.cached(l.key) === undefined);
    const result = await inTransaction(knex, { address, doing: `committing ${n} samples` }, async (conn) => {
      const resolved = missing.length > 0 ? await index.resolve(conn, missing) : { ids: new Map<string, number>(), added: 0 };
      const idOfSlot = this.seriesLabels.map((l) => index.cached(l.key) ?? resolved.ids.get(l.key)!);
      const seriesIds = new Array<number>(n);
      for (let i = 0; i < n; i++) seriesIds[i] = idOfSlot[this.slots[i]!]!;
      await writer.write(conn, { seriesIds, timestamps: this.timestamps, values: this.values });
      return resolved;
    });
    // Only now are the new ids committed and safe to cache.
    index.remember(result.ids);
    this.clear();
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
