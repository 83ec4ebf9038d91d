/**
 * MemoryStorage: a real in-memory implementation of the storage contracts, for the engine's own tests,
 * promtool-style rule unit tests and benchmarks. Samples of one series are kept as two parallel arrays
 * sorted by time, so a range read is two binary searches.
 */
import { Labels, emptyFloatArray, matchesAll, METRIC_NAME } from '@hlmon/model';
import type { Appender, CommitResult, Matcher, Querier, SelectHints, Series, Sample } from '@hlmon/model';

interface StoredSeries {
  readonly labels: Labels;
  ts: number[];
  vs: number[];
}

/** An in-memory Querier with appenders; samples become visible on commit, as with the real store. */
export class MemoryStorage implements Querier {
  private readonly byKey = new Map<string, StoredSeries>();
  /** Series grouped by metric name, so a selector with `__name__="x"` scans only those. */
  private readonly byName = new Map<string, StoredSeries[]>();

  /** A new appender; buffered samples are written on `commit`. */
  appender(): Appender {
    return new MemoryAppender(this);
  }

  /** Number of series stored. */
  get seriesCount(): number {
    return this.byKey.size;
  }

  /** Writes samples directly; used by the appender on commit. Returns the number of new series. */
  applyBatch(batch: readonly { labels: Labels; t: number; v: number }[]): number {
    let added = 0;
    const touched = new Set<StoredSeries>();
    for (const { labels, t, v } of batch) {
      let s = this.byKey.get(labels.key);
      if (s === undefined) {
        s = { labels, ts: [], vs: emptyFloatArray() };
        this.byKey.set(labels.key, s);
        const name = labels.get(METRIC_NAME);
        let list = this.byName.get(name);
        if (list === undefined) this.byName.set(name, (list = []));
        list.push(s);
        added++;
      }
      const n = s.ts.length;
      if (n === 0 || s.ts[n - 1]! < t) {
        s.ts.push(t);
        s.vs.push(v);
      } else if (s.ts[n - 1] === t) {
        // A second sample at the same timestamp replaces the first, the simplest rule that keeps one
        // value per timestamp; Prometheus would reject it as a duplicate.
        s.vs[n - 1] = v;
      } else {
        s.ts.push(t);
        s.vs.push(v);
        touched.add(s);
      }
    }
    for (const s of touched) sortSeries(s);
    return added;
  }

  /** Series matching all matchers, with their samples in [start, end]; series without samples there are left out. */
  async select(matchers: readonly Matcher[], hints: SelectHints): Promise<Series[]> {
    hints.signal?.throwIfAborted();
    const out: Series[] = [];
    for (const s of this.candidates(matchers)) {
      if (!matchesAll(matchers, s.labels)) continue;
      const lo = lowerBound(s.ts, hints.start);
      const hi = upperBound(s.ts, hints.end);
      if (hi <= lo) continue;
      const samples: Sample[] = new Array(hi - lo);
      for (let i = lo; i < hi; i++) samples[i - lo] = { t: s.ts[i]!, v: s.vs[i]! };
      out.push({ labels: s.labels, samples });
    }
    return out;
  }

  /** Like `select`, with samples as parallel arrays of times and values (see ColumnarQuerier). */
  async selectColumns(matchers: readonly Matcher[], hints: SelectHints): Promise<{ labels: Labels; ts: number[]; vs: number[] }[]> {
    hints.signal?.throwIfAborted();
    const out: { labels: Labels; ts: number[]; vs: number[] }[] = [];
    for (const s of this.candidates(matchers)) {
      if (!matchesAll(matchers, s.labels)) continue;
      const lo = lowerBound(s.ts, hints.start);
      const hi = upperBound(s.ts, hints.end);
      if (hi > lo) out.push({ labels: s.labels, ts: s.ts.slice(lo, hi), vs: s.vs.slice(lo, hi) });
    }
    return out;
  }

  /** Label sets of series matching any matcher list (all series for an empty list). */
  async series(matcherSets: readonly (readonly Matcher[])[], range?: { start: number; end: number }): Promise<Labels[]> {
    const seen = new Map<string, Labels>();
    const sets = matcherSets.length === 0 ? [[]] : matcherSets;
    for (const ms of sets) {
      for (const s of this.candidates(ms)) {
        if (!matchesAll(ms, s.labels)) continue;
        if (range && !hasSampleIn(s, range.start, range.end)) continue;
        seen.set(s.labels.key, s.labels);
      }
    }
    return [...seen.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Sorted label names of the matching series. */
  async labelNames(matcherSets: readonly (readonly Matcher[])[] = [], range?: { start: number; end: number }): Promise<string[]> {
    const names = new Set<string>();
    for (const l of await this.series(matcherSets, range)) for (const p of l) names.add(p.name);
    return [...names].sort();
  }

  /** Sorted values of one label over the matching series. */
  async labelValues(name: string, matcherSets: readonly (readonly Matcher[])[] = [], range?: { start: number; end: number }): Promise<string[]> {
    const values = new Set<string>();
    for (const l of await this.series(matcherSets, range)) {
      const v = l.get(name);
      if (v !== '') values.add(v);
    }
    return [...values].sort();
  }

  private candidates(matchers: readonly Matcher[]): Iterable<StoredSeries> {
    const nameEq = matchers.find((m) => m.name === METRIC_NAME && m.type === '=');
    if (nameEq) return this.byName.get(nameEq.value) ?? [];
    return this.byKey.values();
  }
}

class MemoryAppender implements Appender {
  private batch: { labels: Labels; t: number; v: number }[] = [];
  private done = false;

  constructor(private readonly storage: MemoryStorage) {}

  append(labels: Labels, t: number, v: number): void {
    if (this.done) throw new Error('appender already committed or rolled back');
    if (!Number.isFinite(t)) throw new Error(`invalid timestamp ${t} for ${labels.toString()}`);
    this.batch.push({ labels, t, v });
  }

  async commit(): Promise<CommitResult> {
    if (this.done) throw new Error('appender already committed or rolled back');
    this.done = true;
    const seriesAdded = this.storage.applyBatch(this.batch);
    const samples = this.batch.length;
    this.batch = [];
    return { samples, seriesAdded };
  }

  async rollback(): Promise<void> {
    this.done = true;
    this.batch = [];
  }
}

function sortSeries(s: StoredSeries): void {
  const idx = s.ts.map((_, i) => i).sort((a, b) => s.ts[a]! - s.ts[b]! || a - b);
  const ts: number[] = [], vs: number[] = [];
  for (const i of idx) {
    // Later appends at an equal timestamp win, matching the in-order path.
    if (ts.length > 0 && ts[ts.length - 1] === s.ts[i]) vs[vs.length - 1] = s.vs[i]!;
    else { ts.push(s.ts[i]!); vs.push(s.vs[i]!); }
  }
  s.ts = ts;
  s.vs = vs;
}

function hasSampleIn(s: StoredSeries, start: number, end: number): boolean {
  return upperBound(s.ts, end) > lowerBound(s.ts, start);
}

/** First index with ts[i] >= t. */
export function lowerBound(ts: readonly number[], t: number): number {
  let lo = 0, hi = ts.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (ts[m]! < t) lo = m + 1; else hi = m; }
  return lo;
}

/** First index with ts[i] > t. */
export function upperBound(ts: readonly number[], t: number): number {
  let lo = 0, hi = ts.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (ts[m]! <= t) lo = m + 1; else hi = m; }
  return lo;
}
