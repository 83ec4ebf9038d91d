/**
 * Runs periodic tasks (target scrapes, checks) at a stable offset within their interval, derived from
 * the task's identity as Prometheus spreads scrapes, through one shared concurrency limit (p-queue).
 * A task whose previous run is still going when its next slot comes skips that slot (a missed run);
 * lag is the time between a slot and the moment its run actually starts.
 */
import PQueue from 'p-queue';
import { type Clock, fnv1a32 } from '@hlmon/model';

/** Something to run periodically. */
export interface PeriodicTask {
  /** Identity: decides the offset, so it is stable across restarts and reloads. */
  readonly key: string;
  readonly intervalMs: number;
  /** Runs once; must not throw. */
  run(signal: AbortSignal): Promise<unknown>;
}

/** Counters for self-metrics and the benchmark. */
export interface SchedulerStats {
  runs: number;
  missed: number;
  /** Recent lags in ms (a ring of the last `lagWindow` runs). */
  readonly lags: Float64Array;
  lagCount: number;
}

/** Offset of a task within its interval, from its key. */
export function offsetMs(key: string, intervalMs: number, seed = 0): number {
  return ((fnv1a32(key) ^ seed) >>> 0) % intervalMs;
}

interface Entry {
  readonly task: PeriodicTask;
  timer: NodeJS.Timeout | undefined;
  running: boolean;
  stopped: boolean;
  idle: Promise<void>;
}

/** The scheduler. Timers are real; the clock gives the time of slots (inject one to shift time). */
export class Scheduler {
  private readonly queue: PQueue;
  private readonly entries = new Map<string, Entry>();
  private readonly abort = new AbortController();
  /** Statistics since creation. */
  readonly stats: SchedulerStats;

  constructor(
    private readonly clock: Clock,
    concurrency: number,
    private readonly seed = 0,
    lagWindow = 16384,
  ) {
    this.queue = new PQueue({ concurrency });
    this.stats = { runs: 0, missed: 0, lags: new Float64Array(lagWindow), lagCount: 0 };
  }

  /** Runs waiting for a free slot in the concurrency limit. */
  get queued(): number {
    return this.queue.size;
  }

  /** Tasks scheduled. */
  get size(): number {
    return this.entries.size;
  }

  /** Starts running a task at its slots. A task with the same key must not already be scheduled. */
  add(task: PeriodicTask): void {
    const entry: Entry = { task, timer: undefined, running: false, stopped: false, idle: Promise.resolve() };
    this.entries.set(task.key, entry);
    const now = this.clock.now();
    const offset = offsetMs(task.key, task.intervalMs, this.seed);
    // The first slot at or after now that falls on the task's offset.
    let slot = now - ((((now - offset) % task.intervalMs) + task.intervalMs) % task.intervalMs);
    if (slot < now) slot += task.intervalMs;
    this.arm(entry, slot);
  }

  private arm(entry: Entry, slot: number): void {
    if (entry.stopped) return;
    entry.timer = setTimeout(() => this.fire(entry, slot), Math.max(0, slot - this.clock.now()));
  }

  private fire(entry: Entry, slot: number): void {
    if (entry.stopped) return;
    const interval = entry.task.intervalMs;
    let next = slot + interval;
    const now = this.clock.now();
    // Timers that fire very late (a blocked event loop) skip the slots already past.
    while (next <= now) {
      next += interval;
      this.stats.missed++;
    }
    this.arm(entry, next);
    if (entry.running) {
      this.stats.missed++;
      return;
    }
    entry.running = true;
    entry.idle = this.queue.add(async () => {
      if (entry.stopped) return;
      this.recordLag(this.clock.now() - slot);
      this.stats.runs++;
      await entry.task.run(this.abort.signal);
    }).catch(() => undefined).finally(() => { entry.running = false; });
  }

  private recordLag(ms: number): void {
    const s = this.stats;
    s.lags[s.lagCount % s.lags.length] = ms;
    s.lagCount++;
  }

  /** Lag quantile (0..1) over the recent window, in ms. */
  lagQuantileMs(q: number): number {
    const n = Math.min(this.stats.lagCount, this.stats.lags.length);
    if (n === 0) return 0;
    const sorted = Array.from(this.stats.lags.subarray(0, n)).sort((a, b) => a - b);
    return sorted[Math.min(n - 1, Math.floor(q * n))]!;
  }

  /** Forgets the lag window (the benchmark measures phases separately). */
  resetLag(): void {
    this.stats.lagCount = 0;
  }

  /** Stops a task; resolves when its current run (if any) ends. */
  async remove(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.stopped = true;
    clearTimeout(entry.timer);
    this.entries.delete(key);
    await entry.idle;
  }

  /** Keys of scheduled tasks. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Stops everything; `abortRunning` aborts runs in progress instead of waiting for them. */
  async stop(abortRunning = false): Promise<void> {
    if (abortRunning) this.abort.abort();
    await Promise.all([...this.entries.keys()].map((k) => this.remove(k)));
    await this.queue.onIdle();
  }
}
