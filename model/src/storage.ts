/**
 * The storage contracts between the store (which implements them) and its users (scraper, query, rules,
 * api), kept here so that `query` and `rules` need not depend on `store`.
 */
import type { Labels } from './labels.js';
import type { Matcher } from './matchers.js';
import type { Series } from './sample.js';

/**
 * Appends samples. Not safe for concurrent use: one appender per writer. After `commit` or `rollback` the
 * appender must not be used again. Samples may be appended for any series in any order; they become visible
 * to queriers only after `commit` resolves.
 */
export interface Appender {
  /** Buffers one sample. `v` may be NaN or STALE_NAN. `t` is milliseconds since the epoch. */
  append(labels: Labels, t: number, v: number): void;
  /**
   * Writes every buffered sample in one transaction. Rejects with a StoreError on failure; nothing is written
   * then. With `options.batchId`, a batch id already committed makes this commit write nothing and resolve
   * with `duplicate: true`, so a writer that cannot tell whether an earlier attempt committed may retry.
   */
  commit(options?: CommitOptions): Promise<CommitResult>;
  /** Discards every buffered sample. */
  rollback(): Promise<void>;
}

/** Options of one commit. */
export interface CommitOptions {
  /**
   * Identifies the batch across retries and restarts: the store records it in the same transaction as the
   * samples and skips a batch whose id it has already recorded. Any unique string (a UUID).
   */
  readonly batchId?: string;
}

/** What a commit wrote. */
export interface CommitResult {
  /** Samples written. */
  readonly samples: number;
  /** Series that did not exist before this commit. */
  readonly seriesAdded: number;
  /** True when the batch id had already been committed, so nothing was written. */
  readonly duplicate?: boolean;
}

/** Options for selecting samples. */
export interface SelectHints {
  /** Inclusive start, ms. */
  readonly start: number;
  /** Inclusive end, ms. */
  readonly end: number;
  /** The query step in ms, when known: lets the store choose a coarser resolution. */
  readonly stepMs?: number;
  /** Aborts the read. */
  readonly signal?: AbortSignal;
}

/**
 * Reads series and samples. Safe for concurrent use. Returned arrays belong to the caller.
 */
export interface Querier {
  /** Series whose labels satisfy every matcher and that have samples in [start, end], with those samples in time order. */
  select(matchers: readonly Matcher[], hints: SelectHints): Promise<Series[]>;
  /** Label sets of series matching any of the matcher lists (all series when the list is empty), with samples in the range when given. */
  series(matcherSets: readonly (readonly Matcher[])[], range?: { start: number; end: number }): Promise<Labels[]>;
  /** Sorted label names. */
  labelNames(matcherSets?: readonly (readonly Matcher[])[], range?: { start: number; end: number }): Promise<string[]>;
  /** Sorted values of one label. */
  labelValues(name: string, matcherSets?: readonly (readonly Matcher[])[], range?: { start: number; end: number }): Promise<string[]>;
}
