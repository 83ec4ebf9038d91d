/** A time-to-live cache for one slow asynchronous value (systeminformation calls). */
import type { Clock } from '@hlmon/model';

/** Holds the last value of `load` for `ttlMs`; concurrent callers share one pending load. */
export class Cached<T> {
  private value: T | undefined;
  private loadedAtMs = -Infinity;
  private pending: Promise<T> | undefined;

  /** @param ttlMs how long a loaded value is served before the next call reloads it */
  constructor(private readonly load: () => Promise<T>, private readonly ttlMs: number, private readonly clock: Clock) {}

  /** The cached value, loading it when it is missing or older than the TTL. */
  get(): Promise<T> {
    if (this.value !== undefined && this.clock.now() - this.loadedAtMs < this.ttlMs) return Promise.resolve(this.value);
    this.pending ??= this.load().then((v) => {
      this.value = v;
      this.loadedAtMs = this.clock.now();
      return v;
    }).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }
}
