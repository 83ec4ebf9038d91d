/**
 * Daily partitions of `samples`. A partition is created ahead of the first write into its day, outside the
 * write transaction (creating a partition locks the parent table, which must not be held across a long COPY).
 * Rows for days without a partition land in `samples_default`, so a write never fails for a missing one.
 */
import type { Knex } from 'knex';
import { classifyError } from './errors.js';

/** Milliseconds in a day: partition width. */
export const DAY_MS = 86_400_000;

/** The partition name for a day number (days since the epoch), e.g. `samples_20261126`. */
export function partitionName(day: number): string {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, dd = d.getUTCDate();
  return `samples_${String(y).padStart(4, '0')}${String(m).padStart(2, '0')}${String(dd).padStart(2, '0')}`;
}

// Dates outside years 0000..9999 would not make readable names; their rows stay in the default partition.
const MIN_DAY = Math.ceil(Date.UTC(0, 0, 1) / DAY_MS);
const MAX_DAY = Math.floor(Date.UTC(9999, 11, 31) / DAY_MS);

/** Creates daily partitions on demand and remembers which exist. One instance per store. */
export class PartitionManager {
  private readonly known = new Set<number>();

  constructor(
    private readonly knex: Knex,
    private readonly log: (line: string) => void,
    /** At most this many partitions are created by one call; the rest of the days go to the default partition. */
    private readonly maxNewPerCall = 8,
  ) {}

  /** Makes sure partitions exist for the days of the given timestamps (ms). */
  async ensureForTimestamps(timestamps: Iterable<number>): Promise<void> {
    const days = new Set<number>();
    for (const t of timestamps) {
      const day = Math.floor(t / DAY_MS);
      if (!this.known.has(day)) days.add(day);
    }
    await this.ensureDays([...days]);
  }

  /** Makes sure partitions exist for `fromMs` through `toMs` (maintenance: call daily with now .. now+2d). */
  async ensureRange(fromMs: number, toMs: number): Promise<void> {
    const days: number[] = [];
    for (let d = Math.floor(fromMs / DAY_MS); d <= Math.floor(toMs / DAY_MS); d++) if (!this.known.has(d)) days.push(d);
    await this.ensureDays(days);
  }

  private async ensureDays(days: number[]): Promise<void> {
    days.sort((a, b) => a - b);
    let created = 0;
    for (const day of days) {
      if (this.known.has(day) || day < MIN_DAY || day > MAX_DAY) continue;
      if (created >= this.maxNewPerCall) break;
      await this.create(day);
      created++;
    }
  }

  private async create(day: number): Promise<void> {
    const name = partitionName(day);
    try {
      await this.knex.raw(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF samples FOR VALUES FROM (${day * DAY_MS}) TO (${(day + 1) * DAY_MS})`);
      this.known.add(day);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '42P07' || code === '23505') {
        // Another writer created it at the same moment.
        this.known.add(day);
      } else if (code === '23514') {
        // The default partition already holds rows of that day; they and later ones stay there.
        this.known.add(day);
        this.log(`store: day ${name} stays in samples_default because it already holds rows of that day`);
      } else {
        throw classifyError(err, { doing: `creating partition ${name}` });
      }
    }
  }
}
