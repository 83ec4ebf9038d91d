/**
 * The scraper component (DESIGN lifecycle: create → applyConfig → run → stop): keeps one scrape loop
 * per target and one runner per check on a shared scheduler, and sends every batch to the write buffer.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { type Appender, type Clock, type MetricMetadata, systemClock } from '@hlmon/model';
import { CheckRunner, type CheckState } from './checks/check-runner.js';
import { PROBES } from './checks/registry.js';
import type { HlmonConfig, ScrapeConfig, TargetGroup } from './config/types.js';
import { FileDiscovery } from './discovery/file-sd.js';
import type { SampleBatch, SampleSink } from './scrape/batch.js';
import { ScrapeHttpClient } from './scrape/http-client.js';
import { ScrapeLoop, type TargetHealth } from './scrape/loop.js';
import { mergeMetadata } from './scrape/metadata.js';
import { Scheduler } from './scheduler.js';
import { renderSelfMetrics } from './self-metrics.js';
import { type DroppedTarget, isTarget, populateTarget, type Target, targetKey } from './targets.js';
import { Spool } from './write/spool.js';
import { WriteBuffer, type WriteStats } from './write/write-buffer.js';

/** Log function: one line per event; `err` keeps the cause. */
export type Logger = (level: 'debug' | 'info' | 'warn' | 'error', msg: string, err?: unknown) => void;

/** Dependencies of a Scraper. */
export interface ScraperOptions {
  /** Creates an appender per commit (e.g. `() => store.appender()`). */
  readonly appender: () => Appender;
  /** Folder for the spool (`<dataDir>/spool`). */
  readonly dataDir: string;
  readonly clock?: Clock;
  readonly log?: Logger;
  /** Scrapes and checks running at once (default 256; a scrape mostly waits on the network). */
  readonly concurrency?: number;
  /** Samples held in memory while the store is unavailable, before spilling to disk. */
  readonly maxBufferedSamples?: number;
  /** Samples per commit. */
  readonly maxCommitSamples?: number;
  /** Commits in flight at once (default 2). */
  readonly writers?: number;
  /** How long samples may wait in memory to fill a commit (default 1000 ms). */
  readonly maxCommitDelayMs?: number;
  /** First retry delay after a failed commit. */
  readonly retryDelayMs?: number;
  /** Seed of the scrape offsets (Prometheus seeds with the host name; 0 keeps offsets reproducible). */
  readonly offsetSeed?: number;
}

/** Events: `scrape` after every scrape, `check` after every check run. */
export interface ScraperEvents {
  scrape: [TargetHealth];
  check: [CheckState];
}

interface JobState {
  readonly cfg: ScrapeConfig;
  readonly fingerprint: string;
  readonly client: ScrapeHttpClient;
  readonly discoveries: FileDiscovery[];
  /** Groups per provider ('static' or 'file:<i>'). */
  readonly groups: Map<string, TargetGroup[]>;
  /** Scheduler key → loop. */
  loops: Map<string, ScrapeLoop>;
  dropped: DroppedTarget[];
}

function fingerprint(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof RegExp ? String(x) : x));
}

/** Scrapes targets, runs checks, writes samples. */
export class Scraper extends EventEmitter<ScraperEvents> {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly scheduler: Scheduler;
  private readonly jobs = new Map<string, JobState>();
  private readonly checkRunners = new Map<string, CheckRunner>();
  private buffer: WriteBuffer | undefined;
  /** Batches produced before `run` opened the spool. */
  private early: SampleBatch[] = [];
  private readonly sink: SampleSink;
  private config: HlmonConfig | undefined;
  private applying: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly opts: ScraperOptions) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? (() => undefined);
    this.scheduler = new Scheduler(this.clock, opts.concurrency ?? 256, opts.offsetSeed ?? 0);
    this.sink = { write: (b) => (this.buffer ? this.buffer.write(b) : this.early.push(b)) };
  }

  /** The config in effect. */
  currentConfig(): HlmonConfig | undefined {
    return this.config;
  }

  /**
   * Applies a validated config: starts, keeps or stops targets and checks. If anything in it cannot be
   * set up (an unreadable CA file, say), nothing changes and the errors are returned.
   */
  applyConfig(cfg: HlmonConfig): Promise<{ errors: string[] }> {
    const p = this.applying.then(() => this.doApply(cfg));
    this.applying = p.catch(() => undefined);
    return p;
  }

  private async doApply(cfg: HlmonConfig): Promise<{ errors: string[] }> {
    if (this.stopped) return { errors: ['scraper is stopped'] };
    const errors: string[] = [];
    const fresh = new Map<string, JobState>();
    for (const sc of cfg.scrapeConfigs) {
      const fp = fingerprint(sc);
      const old = this.jobs.get(sc.jobName);
      if (old && old.fingerprint === fp) continue;
      try {
        const client = new ScrapeHttpClient({
          tls: sc.tls, followRedirects: sc.followRedirects,
          ...(sc.basicAuth ? { basicAuth: sc.basicAuth } : {}), ...(sc.authorization ? { authorization: sc.authorization } : {}),
        });
        fresh.set(sc.jobName, { cfg: sc, fingerprint: fp, client, discoveries: [], groups: new Map(), loops: new Map(), dropped: [] });
      } catch (e) {
        errors.push(`scrape config "${sc.jobName}": ${(e as Error).message}`);
      }
    }
    if (errors.length > 0) {
      for (const j of fresh.values()) await j.client.close();
      return { errors };
    }
    // Jobs removed or changed: stop their discovery; their loops are replaced below.
    const wanted = new Set(cfg.scrapeConfigs.map((s) => s.jobName));
    for (const [name, job] of [...this.jobs]) {
      if (!wanted.has(name)) {
        await this.retireJob(job, new Map());
        this.jobs.delete(name);
      }
    }
    for (const [name, job] of fresh) {
      const old = this.jobs.get(name);
      this.jobs.set(name, job);
      job.groups.set('static', [...job.cfg.staticConfigs]);
      await this.syncTargets(job, old);
      if (old) await this.retireJob(old, job.loops);
      job.cfg.fileSdConfigs.forEach((fsd, i) => {
        const d = new FileDiscovery(fsd, (groups) => {
          job.groups.set(`file:${i}`, groups);
          if (this.jobs.get(name) === job) void this.syncTargets(job, undefined);
        }, (level, msg) => this.log(level, msg));
        job.discoveries.push(d);
      });
      for (const d of job.discoveries) await d.start();
    }
    this.applyChecks(cfg);
    this.config = cfg;
    return { errors: [] };
  }

  /** Stops a replaced job: loops whose target continues in `successors` hand over their series; the rest go stale. */
  private async retireJob(job: JobState, successors: Map<string, ScrapeLoop>): Promise<void> {
    for (const d of job.discoveries) d.stop();
    for (const [key, loop] of job.loops) {
      const next = successors.get(key);
      // A successor was scheduled under the same key, replacing this loop's entry already.
      if (next) next.adopt(loop);
      else {
        await this.scheduler.remove(key);
        loop.stop();
      }
    }
    job.loops.clear();
    await job.client.close();
  }

  /** Reconciles a job's loops with its current groups. `previous` is the job state being replaced. */
  private async syncTargets(job: JobState, previous: JobState | undefined): Promise<void> {
    const wanted = new Map<string, Target>();
    const dropped: DroppedTarget[] = [];
    for (const groups of job.groups.values()) {
      for (const g of groups) {
        for (const addr of g.targets) {
          const t = populateTarget(job.cfg, g, addr);
          if (!isTarget(t)) { dropped.push(t); continue; }
          const key = `${job.cfg.jobName}|${targetKey(t)}`;
          if (!wanted.has(key)) wanted.set(key, t);
        }
      }
    }
    job.dropped = dropped;
    for (const [key, loop] of [...job.loops]) {
      if (!wanted.has(key)) {
        await this.scheduler.remove(key);
        loop.stop();
        job.loops.delete(key);
      }
    }
    for (const [key, t] of wanted) {
      if (job.loops.has(key)) continue;
      const loop = new ScrapeLoop(t, job.cfg, job.client, this.sink, this.clock);
      job.loops.set(key, loop);
      // A replaced job's loop for the same target keeps running until the new one is scheduled.
      if (previous?.loops.has(key)) await this.scheduler.remove(key);
      this.scheduler.add({
        key, intervalMs: t.intervalMs,
        run: async (signal) => this.emit('scrape', await loop.scrape(signal)),
      });
    }
  }

  private applyChecks(cfg: HlmonConfig): void {
    const wanted = new Map<string, CheckRunner>();
    for (const c of cfg.checks) {
      const runner = new CheckRunner(c, PROBES[c.type], this.sink, this.clock);
      wanted.set(`check|${runner.key}`, runner);
    }
    for (const [key, runner] of [...this.checkRunners]) {
      if (!wanted.has(key)) {
        void this.scheduler.remove(key).then(() => runner.stop());
        this.checkRunners.delete(key);
      }
    }
    for (const [key, runner] of wanted) {
      if (this.checkRunners.has(key)) continue;
      this.checkRunners.set(key, runner);
      this.scheduler.add({ key, intervalMs: runner.check.intervalMs, run: async (signal) => this.emit('check', await runner.run(signal)) });
    }
  }

  /** Opens the spool and starts writing; resolves when `signal` aborts and everything is flushed. */
  async run(signal?: AbortSignal): Promise<void> {
    await this.start();
    if (!signal) return;
    if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    await this.stop();
  }

  /** Opens the spool and starts the write loop (run() calls this). */
  async start(): Promise<void> {
    if (this.buffer) return;
    const spool = await Spool.open(path.join(this.opts.dataDir, 'spool'));
    if (!spool.empty) this.log('info', `replaying ${spool.bytes} bytes of spooled samples`);
    this.buffer = new WriteBuffer({
      appender: this.opts.appender, spool, clock: this.clock, log: this.log,
      ...(this.opts.maxBufferedSamples !== undefined ? { maxBufferedSamples: this.opts.maxBufferedSamples } : {}),
      ...(this.opts.maxCommitSamples !== undefined ? { maxCommitSamples: this.opts.maxCommitSamples } : {}),
      ...(this.opts.maxCommitDelayMs !== undefined ? { maxCommitDelayMs: this.opts.maxCommitDelayMs } : {}),
      ...(this.opts.writers !== undefined ? { writers: this.opts.writers } : {}),
      ...(this.opts.retryDelayMs !== undefined ? { retryDelayMs: this.opts.retryDelayMs } : {}),
    });
    for (const b of this.early.splice(0)) this.buffer.write(b);
    this.buffer.start();
  }

  /**
   * Stops scraping (waiting for scrapes in progress), then flushes the write buffer; what cannot be
   * written within `flushDeadlineMs` is spooled for the next run.
   */
  async stop(flushDeadlineMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.applying;
    await this.scheduler.stop();
    for (const job of this.jobs.values()) {
      for (const d of job.discoveries) d.stop();
      await job.client.close();
    }
    if (!this.buffer) await this.start();
    await this.buffer!.stop(flushDeadlineMs);
  }

  /** Health of every active target. */
  targets(): TargetHealth[] {
    return [...this.jobs.values()].flatMap((j) => [...j.loops.values()].map((l) => l.health()));
  }

  /**
   * Metric metadata (type, help, unit) by metric family name, merged across every active target's last
   * successful scrape, each distinct entry once: what Prometheus's `/api/v1/metadata` serves.
   */
  metadata(): Map<string, MetricMetadata[]> {
    return mergeMetadata([...this.jobs.values()].flatMap((j) => [...j.loops.values()].map((l) => l.metadata())));
  }

  /** Targets dropped by relabeling or invalid after it. */
  droppedTargets(): DroppedTarget[] {
    return [...this.jobs.values()].flatMap((j) => j.dropped);
  }

  /** State of every check. */
  checks(): CheckState[] {
    return [...this.checkRunners.values()].map((r) => r.current());
  }

  /** Write path counters. */
  writeStats(): WriteStats | undefined {
    return this.buffer?.stats;
  }

  /** Scheduler counters and lag quantiles. */
  schedulerStats(): { runs: number; missed: number; queued: number; lagP50Ms: number; lagP99Ms: number } {
    return {
      runs: this.scheduler.stats.runs, missed: this.scheduler.stats.missed, queued: this.scheduler.queued,
      lagP50Ms: this.scheduler.lagQuantileMs(0.5), lagP99Ms: this.scheduler.lagQuantileMs(0.99),
    };
  }

  /** Resets the lag window (benchmarks). */
  resetLagWindow(): void {
    this.scheduler.resetLag();
  }

  /** Self metrics in the Prometheus text format, for the server's /metrics. */
  metricsText(): string {
    return renderSelfMetrics(this.targets(), this.checks(), this.schedulerStats(), this.buffer?.stats);
  }
}
