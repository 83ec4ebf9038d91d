/**
 * An in-memory store behind the Appender contract whose availability a test switches, to drive the
 * write buffer through outages precisely. The real-PostgreSQL outage test is in fault.test.ts.
 */
import { isStaleNaN, type Appender, type CommitResult, type Labels } from '@hlmon/model';

/** One committed sample. */
export interface StoredSample { key: string; t: number; v: number; stale: boolean }

/** The fake store. */
export class SwitchableStore {
  readonly committed: StoredSample[] = [];
  down = false;
  commits = 0;

  /** A new appender (single use). */
  appender = (): Appender => {
    const pending: StoredSample[] = [];
    return {
      append: (labels: Labels, t: number, v: number) => void pending.push({ key: labels.key, t, v, stale: isStaleNaN(v) }),
      commit: async (): Promise<CommitResult> => {
        await new Promise((r) => setImmediate(r));
        if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        this.committed.push(...pending);
        this.commits++;
        return { samples: pending.length, seriesAdded: 0 };
      },
      rollback: async () => { pending.length = 0; },
    };
  };
}
