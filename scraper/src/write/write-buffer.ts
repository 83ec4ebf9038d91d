/**
 * The write path: scrape and check batches go to the store's Appender in groups (up to `writers` commits
 * at once). When PostgreSQL is slow or down, batches wait in a bounded memory queue; batches that do not
 * fit go to the spool on disk. The spool is replayed in order by one writer while new batches keep using
 * memory whenever it has room, so a long outage does not route all later traffic through the disk (the
 * store does not depend on the order in which samples arrive). On stop, whatever could not be written is
 * spooled and replayed by the next run.
 *
 * Exactly once: every commit carries a batch id (store's write_batches). A group of batches gets its id when
 * it is first committed; if that commit fails, the group goes back as one batch with that id, and is retried
 * or spooled as that same unit. A spool record carries its id too. So a commit whose outcome is unknown (a
 * connection lost during COMMIT, a crash between a replayed record's commit and its acknowledgement) is
 * skipped by the store when it comes again.
 */
import { randomUUID } from 'node:crypto';
import { emptyFloatArray, type Appender, type Clock } from '@hlmon/model';
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
  /**
   * How long a batch may wait in memory for others to fill its commit (default 1000 ms). A commit has a
   * fixed cost (a transaction with its WAL flush, the batch id, five round trips) and PostgreSQL takes big
   * COPYs more cheaply per row: committing whatever had arrived made commits of two scrapes each at full
   * load, ~100 a second. Fuller commits cost up to this much delay before samples become visible.
   */
  readonly maxCommitDelayMs?: number;
  /**
   * Commits of memory groups in flight at once (default 2): on a 2-core machine PostgreSQL's work for one
   * commit and this process's encoding of the next overlap. Spool replay is always one at a time.
   */
  readonly writers?: number;
  /** First retry delay after a failed commit; doubles up to 5 s. */
  readonly retryDelayMs?: number;
  /** Batches waiting for the spool are written at least this often. */
  readonly spoolFlushMs?: number;
  /** Logs failures (one line per state change, not per retry). */
  readonly log?: (level: 'info' | 'warn' | 'error', msg: string, err?: unknown) => void;
  /** For timestamps in stats. */
  readonly clock: Clock;
  /** Makes batch ids (default: random UUIDs). */
  readonly newBatchId?: () => string;
}

/** Counters for self-metrics. */
export interface WriteStats {
  samplesWritten: number;
  commits: number;
  writeErrors: number;
  bufferedSamples: number;
  spoolBytes: number;
  spooledSamples: number;
  /** Commits the store skipped because their batch id was already committed. */
  duplicateBatches: number;
  lastError: string;
  lastErrorMs: number;
}

/** The write buffer. `write` never blocks or throws; `run` commits; `stop` flushes or spools everything. */
export class WriteBuffer implements SampleSink {
  /** Oldest first; `seq` restores the order when a failed group is put back; `atMs` is when it came. */
  private readonly memory: { seq: number; batch: SampleBatch; atMs: number }[] = [];
  private nextSeq = 0;
  /** Memory groups being committed. */
  private inflight = 0;
  private memorySamples = 0;
  /** Batches bound for the spool, not yet on disk. */
  private toSpool: SampleBatch[] = [];
  private toSpoolSamples = 0;
  private readonly waiters = new Set<() => void>();
  private running: Promise<unknown> | undefined;
  private stopping = false;
  private lastSpoolFlushMs = 0;
  private failing = false;
  /** Statistics. */
  readonly stats: WriteStats = { samplesWritten: 0, commits: 0, writeErrors: 0, bufferedSamples: 0, spoolBytes: 0, spooledSamples: 0, duplicateBatches: 0, lastError: '', lastErrorMs: 0 };
  private readonly maxBuffered: number;
  private readonly maxCommit: number;
  private readonly maxCommitDelayMs: number;
  private readonly retryDelayMs: number;
  private readonly spoolFlushMs: number;
  private readonly writers: number;
  private readonly newBatchId: () => string;

  constructor(private readonly opts: WriteBufferOptions) {
    this.maxBuffered = opts.maxBufferedSamples ?? 1_000_000;
    this.maxCommit = opts.maxCommitSamples ?? 50_000;
    this.maxCommitDelayMs = opts.maxCommitDelayMs ?? 1000;
    this.retryDelayMs = opts.retryDelayMs ?? 250;
    this.spoolFlushMs = opts.spoolFlushMs ?? 1000;
    this.writers = Math.max(1, opts.writers ?? 2);
    this.stats.spoolBytes = opts.spool.bytes;
    this.newBatchId = opts.newBatchId ?? randomUUID;
  }

  /** Queues a batch; it is committed (or spooled) later. */
  write(batch: SampleBatch): void {
    const n = batch.t.length;
    if (n === 0) return;
    if (this.memorySamples + n > this.maxBuffered) {
      this.toSpool.push(batch);
      this.toSpoolSamples += n;
    } else {
      this.memory.push({ seq: this.nextSeq++, batch, atMs: performance.now() });
      this.memorySamples += n;
    }
    this.stats.bufferedSamples = this.memorySamples + this.toSpoolSamples;
    this.wakeAll();
  }

  /** Samples not yet committed (memory plus waiting for the spool; spooled samples are in spoolBytes). */
  get pendingSamples(): number {
    return this.memorySamples + this.toSpoolSamples;
  }

  /** True when nothing waits anywhere. */
  get idle(): boolean {
    return this.memory.length === 0 && this.inflight === 0 && this.toSpool.length === 0 && this.opts.spool.empty;
  }

  /** Starts the commit loop (idempotent). */
  start(): void {
    this.running ??= Promise.all([this.loop(), ...Array.from({ length: this.writers - 1 }, () => this.helperLoop())]);
  }

  /**
   * Whether memory holds a commit's worth: a full group, a batch that has waited `maxCommitDelayMs`, a
   * batch that failed before (retried as soon as the writer's backoff allows), or anything at stop.
   */
  private memoryDue(): boolean {
    const first = this.memory[0];
    if (first === undefined) return false;
    return this.stopping || this.memorySamples >= this.maxCommit || first.batch.id !== undefined || performance.now() - first.atMs >= this.maxCommitDelayMs;
  }

  /** How long until memory is due (a writer's sleep when there is nothing else to do). */
  private untilDueMs(): number {
    const first = this.memory[0];
    if (first === undefined) return this.spoolFlushMs;
    return Math.max(1, Math.min(this.spoolFlushMs, this.maxCommitDelayMs - (performance.now() - first.atMs)));
  }

  /** An extra writer: commits memory groups only, and only while the store is healthy. */
  private async helperLoop(): Promise<void> {
    while (!this.stopping) {
      if (!this.memoryDue() || this.failing) {
        await this.sleep(this.failing ? this.spoolFlushMs : this.untilDueMs());
        continue;
      }
      try {
        await this.commitMemoryGroup();
      } catch (e) {
        this.noteError(e);
        await this.sleep(this.retryDelayMs);
      }
    }
  }

  private noteError(e: unknown): void {
    this.stats.writeErrors++;
    this.stats.lastError = (e as Error).message;
    this.stats.lastErrorMs = this.opts.clock.now();
    if (!this.failing) {
      this.failing = true;
      this.opts.log?.('warn', `writing samples failed, buffering and retrying: ${(e as Error).message}`, e);
    }
  }

  /** Commits the oldest memory group; on failure puts it back where it was and rethrows. */
  private async commitMemoryGroup(): Promise<void> {
    const group = this.takeMemoryGroup();
    // A group is one batch with an id already (an earlier attempt failed), or fresh batches that get one now.
    const batches = group.map((q) => q.batch);
    const id = batches[0]!.id ?? this.newBatchId();
    this.inflight++;
    try {
      await this.commit(batches, id);
    } catch (e) {
      const unit = this.merge(batches);
      unit.id = id;
      // Back where it was (other writers may have taken newer groups meanwhile), as one unit with its id:
      // the commit may have reached the database, and only the same id lets the store recognise it.
      let at = 0;
      while (at < this.memory.length && this.memory[at]!.seq < group[0]!.seq) at++;
      this.memory.splice(at, 0, { seq: group[0]!.seq, batch: unit, atMs: group[0]!.atMs });
      this.memorySamples += unit.t.length;
      throw e;
    } finally {
      this.inflight--;
      this.stats.bufferedSamples = this.pendingSamples;
      this.wakeAll();
    }
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
        this.noteError(e);
        // Batches keep arriving while the store is down: move them to disk on schedule.
        await this.flushToSpool(false).catch((err: unknown) => this.opts.log?.('error', `spool write failed: ${(err as Error).message}`, err));
        await this.sleep(delay);
        delay = Math.min(delay * 2, 5000);
        continue;
      }
      if (!progressed) await this.sleep(this.untilDueMs());
    }
  }

  /**
   * One unit of work of the main writer: with helper writers it replays the spool whenever there is
   * something on disk (the helpers take memory); alone, it takes memory first.
   */
  private async step(): Promise<boolean> {
    const spoolWork = this.toSpool.length > 0 || !this.opts.spool.empty;
    if (this.memoryDue() && (this.writers === 1 || this.stopping || !spoolWork)) {
      await this.commitMemoryGroup();
      return true;
    }
    await this.flushToSpool(false);
    const rec = await this.opts.spool.peek();
    if (rec === undefined) {
      if (this.toSpool.length > 0) {
        await this.flushToSpool(true);
        return true;
      }
      this.stats.spoolBytes = 0;
      if (this.memoryDue()) {
        await this.commitMemoryGroup();
        return true;
      }
      return false;
    }
    await this.commit([rec.batch], rec.batch.id);
    await this.ackSpool(rec.position);
    return true;
  }

  private async ackSpool(position: SpoolPosition): Promise<void> {
    await this.opts.spool.ack(position);
    this.stats.spoolBytes = this.opts.spool.bytes;
  }

  private takeMemoryGroup(): { seq: number; batch: SampleBatch; atMs: number }[] {
    const group: { seq: number; batch: SampleBatch; atMs: number }[] = [];
    let n = 0;
    while (this.memory.length > 0 && (group.length === 0 || n + this.memory[0]!.batch.t.length <= this.maxCommit)) {
      // A batch with an id is a unit of its own: it may already be in the database under that id.
      if (group.length > 0 && (this.memory[0]!.batch.id !== undefined || group[0]!.batch.id !== undefined)) break;
      const q = this.memory.shift()!;
      n += q.batch.t.length;
      group.push(q);
    }
    this.memorySamples -= n;
    return group;
  }

  /** Commits batches as one transaction under `id` (a spool record from an older version may have none). */
  private async commit(group: readonly SampleBatch[], id: string | undefined): Promise<void> {
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
    const result = await app.commit(id !== undefined ? { batchId: id } : {});
    if (result.duplicate) this.stats.duplicateBatches++;
    else this.stats.samplesWritten += n;
    this.stats.commits++;
  }

  /** One new batch of all samples of `batches`, in order. */
  private merge(batches: readonly SampleBatch[]): SampleBatch {
    const out: SampleBatch = { labels: [], t: [], v: emptyFloatArray() };
    for (const b of batches) {
      for (let i = 0; i < b.t.length; i++) {
        out.labels.push(b.labels[i]!);
        out.t.push(b.t[i]!);
        out.v.push(b.v[i]!);
      }
    }
    return out;
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
      await this.opts.spool.append(this.mergeForSpool(batches));
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

  /**
   * Joins consecutive batches into records of up to maxCommitSamples: a spool record is replayed as one
   * commit, and one commit per scrape (500 samples) would make replay far slower than live writing. Every
   * record gets a batch id; a batch that already has one stays a record of its own with that id.
   */
  private mergeForSpool(batches: readonly SampleBatch[]): SampleBatch[] {
    const out: SampleBatch[] = [];
    let cur: SampleBatch | undefined;
    for (const b of batches) {
      if (b.id !== undefined) {
        out.push(b);
        cur = undefined;
        continue;
      }
      if (!cur || cur.t.length + b.t.length > this.maxCommit) {
        cur = { labels: [], t: [], v: emptyFloatArray(), id: this.newBatchId() };
        out.push(cur);
      }
      for (let i = 0; i < b.t.length; i++) {
        cur.labels.push(b.labels[i]!);
        cur.t.push(b.t[i]!);
        cur.v.push(b.v[i]!);
      }
    }
    return out;
  }

  private sleep(ms: number): Promise<void> {
    // stop() may have woken everyone while this writer was busy, before this sleep began.
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  private wakeAll(): void {
    for (const w of [...this.waiters]) w();
  }

  /**
   * Stops the loop and flushes: tries to commit everything once more within `deadlineMs`; whatever is
   * left goes to the spool in order (memory before the spool's current content).
   */
  async stop(deadlineMs = 5000): Promise<void> {
    this.stopping = true;
    this.wakeAll();
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
      await this.opts.spool.prepend(this.mergeForSpool(this.memory.splice(0).map((q) => q.batch)));
      this.memorySamples = 0;
    }
    await this.flushToSpool(true);
    await this.opts.spool.close();
    this.stats.spoolBytes = this.opts.spool.bytes;
    this.stats.bufferedSamples = 0;
  }
}
