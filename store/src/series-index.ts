/**
 * The series index: canonical label key → series id, with an in-memory cache in front of the `series` table.
 */
import type { Labels } from '@hlmon/model';
import type { RawConnection } from './connection.js';
import { StoreError } from './errors.js';

/**
 * Get-or-create of every key in one statement: insert the missing rows (sorted by key, so concurrent
 * batches take the unique-index locks in the same order and cannot deadlock), and in the same statement
 * read the rows that already existed. Both halves see the same snapshot, so no key is returned twice.
 */
const GET_OR_CREATE_SQL = `
WITH input AS (
  SELECT u.key, u.metric, u.labels::jsonb AS labels
  FROM unnest($1::text[], $2::text[], $3::text[]) AS u(key, metric, labels)
), inserted AS (
  INSERT INTO series (key, metric, labels)
  SELECT key, metric, labels FROM input ORDER BY key
  ON CONFLICT (key) DO NOTHING
  RETURNING id, key
)
SELECT id, key, true AS added FROM inserted
UNION ALL
SELECT s.id, s.key, false AS added FROM series s WHERE s.key = ANY($1::text[])`;

/** How often to re-read keys that a concurrent transaction committed after our statement's snapshot. */
const MAX_ROUNDS = 10;

/** What resolving a batch of label sets found. */
export interface ResolvedSeries {
  /** Id of every key asked for. */
  readonly ids: ReadonlyMap<string, number>;
  /** How many of those rows this call inserted. */
  readonly added: number;
}

/**
 * Maps label sets to series ids. The cache holds only ids of committed rows: callers resolve inside their
 * transaction and call `remember` after it commits, so a rolled-back insert never leaves a dangling id.
 * Safe for concurrent use from one process; one instance per store.
 */
export class SeriesIndex {
  private readonly cache = new Map<string, number>();
  /**
   * The property under which this index memoizes a series id on a Labels object. A writer appends the same
   * Labels objects scrape after scrape (the scraper's cache keeps them), and reading a property is about
   * fifty times cheaper than a lookup in a map of half a million long keys (a cache miss or two per lookup,
   * bench/store-ingest.ts). Labels are immutable values; the memo is invisible to them (non-enumerable,
   * symbol-keyed, never part of equality or the key) and only ever holds an id this index has cached, so
   * it is exactly as valid as the map. One symbol per index: two stores in one process never share ids.
   */
  private readonly memoKey = Symbol('series id');

  /** The cached id of a canonical key, if known. */
  cached(key: string): number | undefined {
    return this.cache.get(key);
  }

  /** The cached id of a label set, if known; remembers it on the Labels object for the next call. */
  idOf(labels: Labels): number | undefined {
    const memo = (labels as unknown as Record<symbol, number | undefined>)[this.memoKey];
    if (memo !== undefined) return memo;
    const id = this.cache.get(labels.key);
    if (id !== undefined) this.memoize(labels, id);
    return id;
  }

  /** Records the id of a committed row and memoizes it on `labels`. */
  rememberLabels(labels: Labels, id: number): void {
    // Keyed by the Labels' own key string: a later lookup of that same string compares pointers only.
    this.cache.set(labels.key, id);
    this.memoize(labels, id);
  }

  private memoize(labels: Labels, id: number): void {
    if (Object.isExtensible(labels) || Object.prototype.hasOwnProperty.call(labels, this.memoKey)) {
      Object.defineProperty(labels, this.memoKey, { value: id, writable: true, enumerable: false, configurable: true });
    }
  }

  /** Number of cached keys. */
  get size(): number {
    return this.cache.size;
  }

  /** Records ids of committed rows. */
  remember(ids: ReadonlyMap<string, number>): void {
    for (const [k, id] of ids) this.cache.set(k, id);
  }

  /**
   * Gets or creates the series of every label set on `conn` (normally inside the caller's transaction),
   * in one round trip unless concurrent inserts force another. Does not touch the cache.
   */
  async resolve(conn: RawConnection, labelSets: readonly Labels[]): Promise<ResolvedSeries> {
    const byKey = new Map<string, Labels>();
    for (const l of labelSets) byKey.set(l.key, l);
    const ids = new Map<string, number>();
    let added = 0;
    let pending = [...byKey.keys()].sort();
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_ROUNDS) {
        throw new StoreError(`series index: ${pending.length} keys still unresolved after ${MAX_ROUNDS} rounds, e.g. ${pending[0]}`);
      }
      const metrics = pending.map((k) => byKey.get(k)!.metricName);
      const labels = pending.map((k) => JSON.stringify(byKey.get(k)!.toObject()));
      const res = await conn.query<{ id: number; key: string; added: boolean }>(GET_OR_CREATE_SQL, [pending, metrics, labels]);
      for (const row of res.rows) {
        ids.set(row.key, row.id);
        if (row.added) added++;
      }
      // Keys missing now were inserted by a concurrent transaction that committed after our snapshot was
      // taken: ON CONFLICT skipped them and the SELECT could not see them. A new statement will.
      pending = pending.filter((k) => !ids.has(k));
    }
    return { ids, added };
  }
}
