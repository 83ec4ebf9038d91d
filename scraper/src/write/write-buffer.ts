/**
 * The write path: scrape and check batches go to the store's Appender in groups, one commit at a time.
 * When PostgreSQL is slow or down, batches wait in a bounded memory queue; beyond the bound, newer
 * batches go to the spool on disk, so the order is always "memory (oldest), then spool (newer)". On
 * stop, whatever could not be written is spooled, in order, and replayed by the next run.
 */
import type { Appender, Clock } from '@hlmon/model';
import type { SampleBatch, SampleSink } from '../scrape/batch.js';
import type { Spool, SpoolPosition } from './spool.js';

/** Options of the write buffer. */
export interface WriteBufferOptions {
  /** Creates one appender per commit. */
  readonly appender: () => Appender;
  /** Where batches go when memory is full or at stop. */
  readonly spool: Spool;
  /** Samples held in memory before spilling to the spool. */
  readonly maxBufferedSamples?: number;
  /** Samples per commit (several batches are grouped). */
  readonly maxCommitSamples?: number;
  /** First retry delay after a failed commit; doubles up to 5 s. */
  readonly retryDelayMs?: number;
  /** Batches waiting for the spool are written at least this often. */
  readonly spoolFlushMs?: number;
  /** Logs failures (one line per state change, not per retry). */
  readonly log?: (level: 'info' | 'warn' | 'error', msg: string, err?: unknown) => void;
  /** For timestamps in stats. */
  readonly clock: Clock;
}

/** Counters for self-metrics. */
export interface WriteStats {
  samplesWritten: number;
  commits: number;
  writeErrors: number;
  bufferedSamples: number;
  spoolBytes: number;
  spooledSamples: number;
  lastError: string;
  lastErrorMs: number;
}

/** The write buffer. `write` never blocks or throws; `run` commits; `stop` flushes or spools everything. */
export class WriteBuffer implements SampleSink {
  private readonly memory: SampleBatch[] = [];
  private memorySamples = 0;
  /** Batches bound for the spool, not yet on disk. */
  private toSpool: SampleBatch[] = [];
  private toSpoolSamples = 0;
  /** True while the spool holds (or is about to hold) batches: new batches must queue behind them. */
  private spooling: boolean;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private lastSpoolFlushMs = 0;
  private failing = false;
  /** Statistics. */
  readonly stats: WriteStats = { samplesWritten: 0, commits: 0, writeErrors: 0, bufferedSamples: 0, spoolBytes: 0, spooledSamples: 0, lastError: '', lastErrorMs: 0 };
  private readonly maxBuffered: number;
  private readonly maxCommit: number;
  private readonly retryDelayMs: number;
  private readonly spoolFlushMs: number;

  constructor(private readonly opts: WriteBufferOptions) {
    this.maxBuffered = opts.maxBufferedSamples ?? 1_000_000;
    this.maxCommit = opts.maxCommitSamples ?? 50_000;
    this.retryDelayMs = opts.retryDelayMs ?? 250;
    this.spoolFlushMs = opts.spoolFlushMs ?? 1000;
    this.spooling = !opts.spool.empty;
    this.stats.spoolBytes = opts.spool.bytes;
  }

  /** Queues a batch; it is committed (or spooled) later. */
  write(batch: SampleBatch): void {
    const n = batch.t.length;
    if (n === 0) return;
    if (this.spooling || this.memorySamples + n > this.maxBuffered) {
      this.spooling = true;
      this.toSpool.push(batch);
      this.toSpoolSamples += n;
    } else {
      this.memory.push(batch);
      this.memorySamples += n;
    }
    this.stats.bufferedSamples = this.memorySamples + this.toSpoolSamples;
    this.wake?.();
  }

  /** Samples not yet committed (memory plus waiting for the spool; spooled samples are in spoolBytes). */
  get pendingSamples(): number {
    return this.memorySamples + this.toSpoolSamples;
  }

  /** True when nothing waits anywhere. */
  get idle(): boolean {
    return this.memory.length === 0 && this.toSpool.length === 0 && this.opts.spool.empty;
  }

  /** Starts the commit loop (idempotent). */
  start(): void {
    this.running ??= this.loop();
  }

  private async loop(): Promise<void> {
    let delay = this.retryDelayMs;
    while (!this.stopping) {
      let progressed = false;
      try {
        progressed = await this.step();
        if (this.failing) {
          this.failing = false;
          this.opts.log?.('info', 'writes to the store succeed again; replaying buffered samples');
        }
        delay = this.retryDelayMs;
      } catch (e) {
        this.stats.writeErrors++;
        this.stats.lastError = (e as Error).message;
        this.stats.lastErrorMs = this.opts.clock.now();
        if (!this.failing) {
          this.failing = true;
          this.opts.log?.('warn', `writing samples failed, buffering and retrying: ${(e as Error).message}`, e);
        }
        // Batches keep arriving while the store is down: move them to disk on schedule.
        await this.flushToSpool(false).catch((err: unknown) => this.opts.log?.('error', `spool write failed: ${(err as Error).message}`, err));
        await this.sleep(delay);
        delay = Math.min(delay * 2, 5000);
        continue;
      }
      if (!progressed) await this.sleep(this.spoolFlushMs);
    }
  }

  /** One unit of work: commit a memory group, else flush pending spool writes and replay one record. */
  private async step(): Promise<boolean> {
    if (this.memory.length > 0) {
      const group = this.takeMemoryGroup();
      try {
        await this.commit(group);
      } catch (e) {
        // Back to the front: these are the oldest samples.
        this.memory.unshift(...group);
        for (const b of group) this.memorySamples += b.t.length;
        throw e;
      }
      this.stats.bufferedSamples = this.pendingSamples;
      return true;
    }
    await this.flushToSpool(false);
    const rec = await this.opts.spool.peek();
    if (rec === undefined) {
      if (this.toSpool.length > 0) {
        await this.flushToSpool(true);
        return true;
      }
      // Everything on disk is written and nothing waits: new batches may use memory again.
      this.spooling = false;
      this.stats.spoolBytes = 0;
      return false;
    }
    await this.commit([rec.batch]);
    await this.ackSpool(rec.position);
    return true;
  }

  private async ackSpool(position: SpoolPosition): Promise<void> {
    await this.opts.spool.ack(position);
    this.stats.spoolBytes = this.opts.spool.bytes;
  }

  private takeMemoryGroup(): SampleBatch[] {
    const group: SampleBatch[] = [];
    let n = 0;
    while (this.memory.length > 0 && (group.length === 0 || n + this.memory[0]!.t.length <= this.maxCommit)) {
      const b = this.memory.shift()!;
      n += b.t.length;
      group.push(b);
    }
    this.memorySamples -= n;
    return group;
  }

  private async commit(group: readonly SampleBatch[]): Promise<void> {
    const app = this.opts.appender();
    let n = 0;
    try {
      for (const b of group) {
        for (let i = 0; i < b.t.length; i++) app.append(b.labels[i]!, b.t[i]!, b.v[i]!);
        n += b.t.length;
      }
    } catch (e) {
      await app.rollback();
      throw e;
    }
    await app.commit();
    this.stats.samplesWritten += n;
    this.stats.commits++;
  }

  /** Writes batches bound for the spool to disk (when due, or always with `force`). */
  private async flushToSpool(force: boolean): Promise<void> {
    if (this.toSpool.length === 0) return;
    const now = this.opts.clock.now();
    if (!force && now - this.lastSpoolFlushMs < this.spoolFlushMs && this.toSpoolSamples < this.maxCommit) return;
    const batches = this.toSpool;
    const n = this.toSpoolSamples;
    this.toSpool = [];
    this.toSpoolSamples = 0;
    try {
      await this.opts.spool.append(batches);
    } catch (e) {
      this.toSpool.unshift(...batches);
      this.toSpoolSamples += n;
      throw e;
    }
    this.lastSpoolFlushMs = now;
    this.stats.spooledSamples += n;
    this.stats.spoolBytes = this.opts.spool.bytes;
    this.stats.bufferedSamples = this.pendingSamples;
  }

  private sleep(ms: number): Promise<void> {
    // stop() may have called wake() while the loop was busy, before this sleep began.
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      // Only the commit loop sleeps, so one wake-up function is enough.
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /**
   * Stops the loop and flushes: tries to commit everything once more within `deadlineMs`; whatever is
   * left goes to the spool in order (memory before the spool's current content).
   */
  async stop(deadlineMs = 5000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
    const until = Date.now() + deadlineMs;
    try {
      while (!this.idle && Date.now() < until) {
        if (!(await this.step())) break;
      }
    } catch (e) {
      this.opts.log?.('warn', `final flush failed, spooling the rest: ${(e as Error).message}`, e);
    }
    if (this.memory.length > 0) {
      await this.opts.spool.prepend(this.memory.splice(0));
      this.memorySamples = 0;
    }
    await this.flushToSpool(true);
    this.stats.spoolBytes = this.opts.spool.bytes;
    this.stats.bufferedSamples = 0;
  }
}
