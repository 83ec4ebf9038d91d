/**
 * Runs the enabled collectors for one scrape, each isolated by a timeout, and reports
 * `node_scrape_collector_success` and `node_scrape_collector_duration_seconds` for every one.
 */
import type { Collector } from './collector.js';
import type { Logger } from './logger.js';
import { MetricWriter } from './metric-writer.js';

/** A named, created collector. */
export interface NamedCollector {
  readonly name: string;
  readonly collector: Collector;
}

/** What one collector produced in one scrape. */
interface CollectorResult {
  readonly name: string;
  out: MetricWriter;
  ok: boolean;
  seconds: number;
}

/** Runs collectors and remembers which are failing, so each failure is logged once and not every scrape. */
export class ScrapeRunner {
  private readonly failing = new Map<string, string>();

  /**
   * @param collectors the enabled collectors, in the order their results are merged
   * @param timeoutMs a collector still running after this long is reported failed and its output dropped
   */
  constructor(
    private readonly collectors: readonly NamedCollector[],
    private readonly timeoutMs: number,
    private readonly logger: Logger,
  ) {}

  /** Collects every enabled collector into a fresh writer. Never throws. */
  async scrape(): Promise<MetricWriter> {
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
      const result: CollectorResult = { name: named.name, out, ok: true, seconds: 0 };
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
