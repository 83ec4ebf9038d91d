/** A SampleSink that keeps every batch, for tests of what the scrape loop and checks produce. */
import { isStaleNaN, type Labels } from '@hlmon/model';
import type { SampleBatch, SampleSink } from '@hlmon/scraper';

/** One written sample. */
export interface Written { labels: Labels; t: number; v: number }

/** Collects batches in order. */
export class CollectingSink implements SampleSink {
  readonly batches: SampleBatch[] = [];

  write(batch: SampleBatch): void {
    this.batches.push(batch);
  }

  /** Samples of the last batch. */
  last(): Written[] {
    const b = this.batches.at(-1);
    return b ? b.labels.map((labels, i) => ({ labels, t: b.t[i]!, v: b.v[i]! })) : [];
  }

  /** Value of the series named `name` (matching `extra` labels) in the last batch. */
  value(name: string, extra: Record<string, string> = {}): number | undefined {
    return this.last().find((s) => s.labels.metricName === name && Object.entries(extra).every(([k, v]) => s.labels.get(k) === v))?.v;
  }

  /** Series of the last batch that carry a staleness marker, as strings. */
  staleInLast(): string[] {
    return this.last().filter((s) => isStaleNaN(s.v)).map((s) => s.labels.toString());
  }
}
