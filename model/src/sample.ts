/**
 * Samples and series: float64 values at millisecond timestamps, as in Prometheus 2.x.
 */
import type { Labels } from './labels.js';

/** One sample: a timestamp in milliseconds since the epoch and a float64 value. */
export interface Sample {
  readonly t: number;
  readonly v: number;
}

/** A series with its samples in ascending time order. */
export interface Series {
  readonly labels: Labels;
  readonly samples: readonly Sample[];
}

const STALE_BITS = 0x7ff0000000000002n;

function bitsOf(v: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return dv.getBigUint64(0);
}

function fromBits(bits: bigint): number {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setBigUint64(0, bits);
  return dv.getFloat64(0);
}

/**
 * The staleness marker: a NaN with the bit pattern 0x7ff0000000000002, which Prometheus writes when a
 * series disappears from its target. Never produced by arithmetic.
 */
export const STALE_NAN: number = fromBits(STALE_BITS);

/** The NaN that Prometheus writes for a sample whose value is NaN (0x7ff8000000000001). */
export const NORMAL_NAN: number = fromBits(0x7ff8000000000001n);

/**
 * True when `v` is the staleness marker. V8 sets the quiet bit of a NaN stored in a double array, so
 * the check ignores that bit and compares the rest of the payload: a stale marker stays recognisable
 * after passing through any JavaScript container, and no ordinary NaN (payload 0 or 1) is mistaken for one.
 */
export function isStaleNaN(v: number): boolean {
  if (v === v) return false; // not NaN: the fast path for real values
  return (bitsOf(v) & 0x0007ffffffffffffn) === 2n;
}

/** The raw IEEE-754 bits of a float64, for tests and exact encodings. */
export function float64Bits(v: number): bigint {
  return bitsOf(v);
}

/** The float64 with the given raw bits. */
export function float64FromBits(bits: bigint): number {
  return fromBits(bits);
}

/**
 * An empty array whose elements kind is already "double". V8 replaces a NaN with the canonical quiet NaN
 * when that NaN is the value that turns an integer (or empty) array into a double array, so a staleness
 * marker that is the first value of a series could become an ordinary NaN. Arrays that hold sample values
 * start from this one.
 */
export function emptyFloatArray(): number[] {
  const a = [0.5];
  a.pop();
  return a;
}
