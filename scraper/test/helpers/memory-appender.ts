/**
 * An in-memory store behind the Appender contract whose availability a test switches, to drive the
 * write buffer through outages precisely. The real-PostgreSQL outage test is in fault.test.ts.
 */
import { isStaleNaN, type Appender, type CommitOptions, type CommitResult, type Labels } from '@hlmon/model';

/** One committed sample. */
export interface StoredSample { key: string; t: number; v: number; stale: boolean }

/** The fake store. */
export class SwitchableStore {
  readonly committed: StoredSample[] = [];
  down = false;
  /** Commits succeed but report a lost connection, as when a connection breaks after COMMIT. */
  loseAcknowledgements = false;
  /** Called after each commit whose acknowledgement was lost (e.g. to take the store down right then). */
  afterLostAcknowledgement: () => void = () => {};
  commits = 0;
  /** Batch ids committed, as the store's write_batches table. */
  readonly batchIds = new Set<string>();

  /** A new appender (single use). */
  appender = (): Appender => {
    const pending: StoredSample[] = [];
    return {
      append: (labels: Labels, t: number, v: number) => void pending.push({ key: labels.key, t, v, stale: isStaleNaN(v) }),
      commit: async (options: CommitOptions = {}): Promise<CommitResult> => {
        await new Promise((r) => setImmediate(r));
        if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        if (options.batchId !== undefined) {
          if (this.batchIds.has(options.batchId)) return { samples: 0, seriesAdded: 0, duplicate: true };
          this.batchIds.add(options.batchId);
        }
        this.committed.push(...pending);
        this.commits++;
        if (this.loseAcknowledgements) {
          this.afterLostAcknowledgement();
          throw new Error('Connection terminated unexpectedly');
        }
        return { samples: pending.length, seriesAdded: 0 };
      },
      rollback: async () => { pending.length = 0; },
    };
  };
}
