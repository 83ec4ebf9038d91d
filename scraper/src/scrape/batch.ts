/**
 * The unit of writing: the samples of one scrape or check run, in append order. Batches are numbered by
 * the write buffer so that replay after an outage keeps their order.
 */
import { emptyFloatArray, type Labels } from '@hlmon/model';

/** Samples in parallel arrays. Ownership passes to the sink on `write`. */
export interface SampleBatch {
  readonly labels: Labels[];
  readonly t: number[];
  readonly v: number[];
  /**
   * The store batch id this batch was (or may have been) committed under. Once set, the batch is a unit:
   * never merged with others or split, so a retry or replay carries the same id and is written once.
   */
  id?: string;
}

/** Creates an empty batch. */
export function newBatch(): SampleBatch {
  // Values start as a double array: V8 would turn a staleness marker that is the first value pushed into
  // an empty array into an ordinary NaN (a failed scrape's batch starts with its markers).
  return { labels: [], t: [], v: emptyFloatArray() };
}

/** Adds one sample to a batch. */
export function pushSample(b: SampleBatch, labels: Labels, t: number, v: number): void {
  b.labels.push(labels);
  b.t.push(t);
  b.v.push(v);
}

/** Where scrape loops and checks hand their samples; never blocks and never throws. */
export interface SampleSink {
  /** Takes ownership of a batch. */
  write(batch: SampleBatch): void;
}
