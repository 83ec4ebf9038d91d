/**
 * Runs the enabled collectors for one scrape, each isolated by a timeout, and reports
 * `node_scrape_collector_success` and `node_scrape_collector_duration_seconds` for every one.
 */
import type { Collector } from './collector.js';
import type { Logger } from './logger.js';
import { MetricWriter, sampleLines, type LabelPairs } from './metric-writer.js';

/** A named, created collector. */
export interface NamedCollector {
  readonly name: string;
  readonly collector: Collector;
}

/** What one collector produced in one scrape. */
export interface CollectorResult {
  readonly name: string;
  out: MetricWriter;
  ok: boolean;
  seconds: number;
  /** Why it failed; empty when it succeeded. */
  reason: string;
}

/**
 * Collectors run elsewhere (a worker thread, see worker-collectors.ts), concurrently with the local ones.
 */
export interface RemoteCollectors {
  /** Their names. */
  readonly names: readonly string[];
  /** Starts one run of all of them; resolves with a result per name, failed ones included. Never rejects. */
  collect(): Promise<CollectorResult[]>;
  /** Stops them for good. */
  close(): void;
}

/** Runs collectors and remembers which are failing, so each failure is logged once and not every scrape. */
export class ScrapeRunner {
  private readonly failing = new Map<string, string>();

  /**
   * @param collectors the enabled collectors, in the order their results are merged
   * @param timeoutMs a collector still running after this long is reported failed and its output dropped
   */
  /**
   * @param remote collectors running elsewhere at the same time, merged with the local ones
   * @param order every collector name, local and remote, in the order their results are merged
   */
  constructor(
    private readonly collectors: readonly NamedCollector[],
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly remote?: RemoteCollectors,
    private readonly order: readonly string[] = collectors.map((c) => c.name),
  ) {}

  /** Collects every enabled collector into a fresh writer. Never throws. */
  async scrape(): Promise<MetricWriter> {
    // The remote collectors start first, so they run while the local ones do.
    const remote = this.remote?.collect();
    const results = await this.collect();
    if (remote === undefined) return this.merge(results);
    // While the remote collectors finish, the local families' sample lines are rendered, which the final
    // render would otherwise do after the wait.
    const formatted = new Map<LabelPairs, string>();
    for (const r of results) {
      for (const f of r.out.all()) {
        if (f.samples.length === 0) continue;
        f.rendered = sampleLines(f, formatted);
        f.samples.length = 0;
      }
    }
    const byName = new Map<string, CollectorResult>();
    for (const r of results) byName.set(r.name, r);
    for (const r of await remote) {
      this.remember(r.name, r.ok, r.reason);
      byName.set(r.name, r);
    }
    const ordered: CollectorResult[] = [];
    for (const name of this.order) {
      const r = byName.get(name);
      if (r !== undefined) ordered.push(r);
    }
    return this.merge(ordered);
  }

  /** Runs the local collectors, each isolated by the timeout; a result per collector, in their order. Never throws. */
  async collect(): Promise<CollectorResult[]> {
    // Every collector starts in this turn and has the same budget, so one deadline per scrape serves them
    // all. Most collectors are synchronous /proc readers that are finished when `collect` returns; the timer
    // and the promise race exist only once an asynchronous collector is actually pending, so a scrape of
    // synchronous collectors costs no timer, no promise per collector and no extra turns of the event loop.
    const scrapeStarted = performance.now();
    const controller = new AbortController();
    const results: CollectorResult[] = [];
    const pending: Promise<void>[] = [];
    let deadline: Promise<'timeout'> | undefined;
    let timer: NodeJS.Timeout | undefined;
    for (const named of this.collectors) {
      const started = performance.now();
      const out = new MetricWriter();
      const result: CollectorResult = { name: named.name, out, ok: true, seconds: 0, reason: '' };
      results.push(result);
      let running: Promise<void> | void;
      try {
        running = named.collector.collect(out, controller.signal);
      } catch (err) {
        this.finish(result, started, false, describe(err));
        continue;
      }
      if (running === undefined) {
        this.finish(result, started, true, '');
        continue;
      }
      if (deadline === undefined) {
        deadline = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => {
            controller.abort(new Error(`collectors timed out after ${this.timeoutMs} ms`));
            resolve('timeout');
          }, Math.max(0, this.timeoutMs - (performance.now() - scrapeStarted)));
        });
      }
      pending.push(this.settle(result, started, running, deadline));
    }
    if (pending.length > 0) {
      try {
        await Promise.all(pending);
      } finally {
        clearTimeout(timer);
      }
    }
    return results;
  }

  /** One writer with the results' families and every collector's duration and success. */
  private merge(results: readonly CollectorResult[]): MetricWriter {
    const out = new MetricWriter();
    const duration = out.family('node_scrape_collector_duration_seconds', 'gauge', 'node_exporter: Duration of a collector scrape.');
    const success = out.family('node_scrape_collector_success', 'gauge', 'node_exporter: Whether a collector succeeded.');
    // A family may come from one collector only: a textfile that redefines node_load1, say, would otherwise
    // put two series with the same labels (or two types) into one scrape. The later collector loses that
    // family and is reported failed, as node_exporter reports "collected before with the same name".
    const owners = new Map<string, string>();
    for (const r of results) {
      const clashes: string[] = [];
      for (const family of r.out.all()) {
        const owner = owners.get(family.name);
        if (owner !== undefined && owner !== r.name) {
          clashes.push(`${family.name} (already exported by collector ${owner})`);
          continue;
        }
        owners.set(family.name, r.name);
        out.absorbFamily(family);
      }
      let ok = r.ok;
      if (clashes.length > 0 && ok) {
        ok = false;
        this.remember(r.name, false, `dropped families: ${clashes.join(', ')}`);
      }
      duration.samples.push({ suffix: '', labels: { collector: r.name }, value: r.seconds });
      success.samples.push({ suffix: '', labels: { collector: r.name }, value: ok ? 1 : 0 });
    }
    return out;
  }

  /** Names of collectors whose last run failed, with the reason; for tests and the landing page. */
  failures(): ReadonlyMap<string, string> {
    return this.failing;
  }

  /** Waits for an asynchronous collector or the scrape's deadline, whichever comes first. */
  private async settle(result: CollectorResult, started: number, running: Promise<void>, deadline: Promise<'timeout'>): Promise<void> {
    try {
      const outcome = await Promise.race([running, deadline]);
      if (outcome === 'timeout') {
        // A collector that is still running may keep writing into its writer; a fresh one keeps this scrape consistent.
        running.catch(() => undefined);
        result.out = new MetricWriter();
        this.finish(result, started, false, `timed out after ${this.timeoutMs} ms`);
        return;
      }
      this.finish(result, started, true, '');
    } catch (err) {
      this.finish(result, started, false, describe(err));
    }
  }

  private finish(result: CollectorResult, started: number, ok: boolean, reason: string): void {
    result.ok = ok;
    result.reason = reason;
    result.seconds = (performance.now() - started) / 1000;
    this.remember(result.name, ok, reason);
  }

  private remember(name: string, ok: boolean, reason: string): void {
    const previous = this.failing.get(name);
    if (!ok) {
      // Log a failure when it starts or its reason changes, not on every scrape: a host without Docker
      // would otherwise write the same line every 15 seconds forever.
      if (previous !== reason) this.logger.warn(`collector ${name} failed: ${reason}`);
      this.failing.set(name, reason);
    } else if (previous !== undefined) {
      this.failing.delete(name);
      this.logger.info(`collector ${name} recovered`);
    }
  }
}

function describe(err: unknown): string {
  // Collector errors already say where and why (path and errno); the cause stays attached for debugging.
  return err instanceof Error ? err.message : String(err);
}
