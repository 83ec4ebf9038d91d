/**
 * The worker thread of WorkerCollectors (worker-collectors.ts): creates the collectors it is given and,
 * for every scrape id the main thread posts, runs them and answers with their rendered families.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { systemClock } from '@hlmon/model';
import type { CollectorContext } from './collector.js';
import { collectorsFor } from './collectors/index.js';
import { HostFiles } from './host-files.js';
import type { Logger } from './logger.js';
import { sampleLines, type LabelPairs } from './metric-writer.js';
import { ScrapeRunner } from './scrape-runner.js';
import type { WireResult, WorkerSettings } from './worker-collectors.js';

const settings = workerData as WorkerSettings;
// Failures travel back as results; the main thread's runner logs them (once, as for its own collectors).
const quiet: Logger = { info: () => undefined, warn: () => undefined };
const files = new HostFiles(settings.paths);
const ctx: CollectorContext = { ...settings, files, clock: systemClock, logger: quiet };
const collectors = collectorsFor(settings.platform)
  .filter((d) => settings.names.includes(d.name))
  .map((d) => ({ name: d.name, collector: d.create(ctx) }));
const runner = new ScrapeRunner(collectors, settings.timeoutMs, quiet);
const gc = (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc;

parentPort!.on('message', (id: number) => {
  void runner.collect().then((results) => {
    files.sweep();
    const formatted = new Map<LabelPairs, string>();
    const answer: WireResult[] = results.map((r) => ({
      name: r.name, ok: r.ok, reason: r.reason, seconds: r.seconds,
      families: [...r.out.all()].filter((f) => f.samples.length > 0).map((f) => ({ name: f.name, type: f.type, help: f.help, rendered: sampleLines(f, formatted) })),
    }));
    parentPort!.postMessage({ id, results: answer });
    // As on the main thread (cli.ts): the scrape's garbage is collected now, not inside the next scrape.
    if (gc !== undefined) setImmediate(() => gc({ type: 'minor' }));
  });
});
