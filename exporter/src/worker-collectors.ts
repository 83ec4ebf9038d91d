/**
 * Collectors on a worker thread, run at the same time as the ones on the main thread.
 *
 * node_exporter runs its collectors concurrently on every core; a Node.js process runs JavaScript on one.
 * A scrape is about half collectors (reading /proc and /sys, then parsing) and half rendering, gzip and
 * HTTP, all on the main thread. With a second thread taking the heaviest collectors (netclass, netstat,
 * filesystem, arp, conntrack), a scrape on an idle host with two cores or more costs the longer of the two
 * halves instead of their sum. Each scrape still reads every value at request time: the worker is asked
 * when the request arrives and answers with what it just read.
 *
 * The worker sends each family with its sample lines already rendered: one string per family crosses
 * threads far cheaper than sample objects. A worker thread is a second Node.js environment and costs about
 * 10 MB of resident memory (7.5 MB empty), which is why `--runtime.worker-thread` is off by default.
 */
import { Worker } from 'node:worker_threads';
import type { CollectorContext } from './collector.js';
import { MetricWriter, type MetricType } from './metric-writer.js';
import type { CollectorResult, RemoteCollectors } from './scrape-runner.js';

/** Collectors worth a second thread, heaviest first: together about half of a scrape's collector time. */
export const WORKER_COLLECTORS: readonly string[] = ['netclass', 'netstat', 'filesystem', 'arp', 'conntrack'];

/**
 * What the worker needs to create its collectors: the context without what cannot cross threads (the
 * file reader, the clock and the logger are made anew in the worker).
 */
export type WorkerSettings = Omit<CollectorContext, 'files' | 'clock' | 'logger'> & {
  readonly names: readonly string[];
  readonly timeoutMs: number;
};

/** A family as the worker sends it. */
export interface WireFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly rendered: string;
}

/** A collector's result as the worker sends it. */
export interface WireResult {
  readonly name: string;
  readonly ok: boolean;
  readonly reason: string;
  readonly seconds: number;
  readonly families: readonly WireFamily[];
}

/** The settings of a worker for `names`, taken from the main thread's collector context. */
export function workerSettings(names: readonly string[], timeoutMs: number, ctx: CollectorContext): WorkerSettings {
  return {
    names, timeoutMs, paths: ctx.paths, platform: ctx.platform, textfileDirectory: ctx.textfileDirectory,
    filesystemMountPointsExclude: ctx.filesystemMountPointsExclude, filesystemFsTypesExclude: ctx.filesystemFsTypesExclude,
    diskstatsDeviceExclude: ctx.diskstatsDeviceExclude, netDeviceExclude: ctx.netDeviceExclude, docker: ctx.docker,
  };
}

// Under the TypeScript loader (tests run from source) this module is a .ts file and so is the worker's;
// a worker thread does not inherit the loader's hooks on Node 20, so it registers tsx itself first.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './collector-worker.ts' : './collector-worker.js', import.meta.url);

function newWorker(workerData: WorkerSettings): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData });
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`, { eval: true, workerData });
}

/** Runs collectors on a worker thread, started on the first scrape and restarted after it dies or hangs. */
export class WorkerCollectors implements RemoteCollectors {
  readonly names: readonly string[];
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, (answer: readonly WireResult[] | string) => void>();
  private closed = false;

  /** @param answerTimeoutMs how long a scrape waits for the worker before its collectors are reported failed */
  constructor(private readonly settings: WorkerSettings, private readonly answerTimeoutMs: number) {
    this.names = settings.names;
  }

  collect(): Promise<CollectorResult[]> {
    if (this.closed) return Promise.resolve(this.failed('collector worker stopped'));
    const id = ++this.nextId;
    const worker = (this.worker ??= this.start());
    worker.postMessage(id);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // A worker that does not answer in time is replaced: whatever holds it cannot delay the next scrape.
        this.pending.delete(id);
        this.stopWorker();
        resolve(this.failed(`collector worker did not answer within ${this.answerTimeoutMs} ms`));
      }, this.answerTimeoutMs);
      this.pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(typeof answer === 'string' ? this.failed(answer) : toResults(answer));
      });
    });
  }

  close(): void {
    this.closed = true;
    this.stopWorker();
  }

  private start(): Worker {
    const worker = newWorker(this.settings);
    // The main thread's server keeps the process alive; an idle worker must not, nor delay its exit.
    worker.unref();
    worker.on('message', (message: { id: number; results: readonly WireResult[] }) => {
      const done = this.pending.get(message.id);
      this.pending.delete(message.id);
      done?.(message.results);
    });
    const gone = (reason: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const done of this.pending.values()) done(reason);
      this.pending.clear();
    };
    worker.on('error', (err) => gone(`collector worker failed: ${err.message}`));
    worker.on('exit', (code) => gone(`collector worker exited with code ${code}`));
    return worker;
  }

  private stopWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    for (const done of this.pending.values()) done('collector worker stopped');
    this.pending.clear();
    void worker?.terminate();
  }

  private failed(reason: string): CollectorResult[] {
    return this.names.map((name) => ({ name, out: new MetricWriter(), ok: false, seconds: 0, reason }));
  }
}

function toResults(answer: readonly WireResult[]): CollectorResult[] {
  return answer.map((r) => {
    const out = new MetricWriter();
    for (const f of r.families) out.absorbFamily({ name: f.name, type: f.type, help: f.help, samples: [], rendered: f.rendered });
    return { name: r.name, out, ok: r.ok, seconds: r.seconds, reason: r.reason };
  });
}
