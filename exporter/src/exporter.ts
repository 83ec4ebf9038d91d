/**
 * createExporter: wires the enabled collectors, the scrape runner, self metrics and the HTTP server.
 * Lifecycle as everywhere in hlmon: create → listen (run) → stop, with clock and logger injected.
 */
import { systemClock, type Clock } from '@hlmon/model';
import type { CollectorContext, DockerSettings, HostPaths } from './collector.js';
import { allCollectorNames, collectorsFor } from './collectors/index.js';
import { DEFAULT_DISK_DEVICE_EXCLUDE } from './collectors/diskstats.js';
import { DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_MOUNT_POINTS_EXCLUDE } from './collectors/filesystem.js';
import { HostFiles } from './host-files.js';
import { startHttpServer, type ListeningServer } from './http-server.js';
import { stderrLogger, type Logger } from './logger.js';
import { MetricWriter, RenderCache, renderOpenMetrics, renderText } from './metric-writer.js';
import { ScrapeRunner, type NamedCollector } from './scrape-runner.js';
import { SelfMetrics } from './self-metrics.js';
import { WORKER_COLLECTORS, WorkerCollectors, workerSettings } from './worker-collectors.js';
import type { WebConfig } from './web-config.js';

/** Options of createExporter; every field has node_exporter's default. */
export interface ExporterOptions {
  /** Per-collector switches, e.g. `{ systemd: true, hwmon: false }`; unnamed collectors keep their default. */
  readonly collectors?: Readonly<Record<string, boolean>>;
  /** Start from no collectors instead of the defaults (`--collector.disable-defaults`). */
  readonly disableDefaults?: boolean;
  readonly paths?: Partial<HostPaths>;
  readonly textfileDirectory?: string;
  readonly filesystemMountPointsExclude?: RegExp;
  readonly filesystemFsTypesExclude?: RegExp;
  readonly diskstatsDeviceExclude?: RegExp;
  readonly netDeviceExclude?: RegExp;
  readonly docker?: Partial<DockerSettings>;
  /** A collector running longer than this is reported failed; default 5000. */
  readonly collectorTimeoutMs?: number;
  readonly telemetryPath?: string;
  /** Concurrent /metrics requests beyond this get 503; default 40, as node_exporter. */
  readonly maxRequests?: number;
  /** Leave out the hlmon_exporter_* self metrics. */
  readonly disableExporterMetrics?: boolean;
  readonly webConfig?: WebConfig;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly platform?: NodeJS.Platform;
  /**
   * Run once after every served scrape, off the request path: the CLI passes a young-generation GC (node's
   * `gc({ type: 'minor' })` under `--expose-gc`) so the next scrape starts with an empty nursery and is not
   * interrupted by a scavenge. Unset: nothing runs.
   */
  readonly afterScrape?: () => void;
  /**
   * Run the heaviest Linux collectors (WORKER_COLLECTORS) on a worker thread, at the same time as the
   * others (`--runtime.worker-thread`): a scrape costs less wall time on a host with a core to spare, but
   * a worker thread costs about 10 MB of resident memory (an empty one 7.5 MB), so it is off by default.
   * The worker's collectors use the system clock, not an injected one.
   */
  readonly workerThread?: boolean;
}

/** A created exporter. */
export interface Exporter {
  /** Names of the enabled collectors, sorted. */
  readonly enabledCollectors: readonly string[];
  /** Runs one scrape and renders it (text format 0.0.4, or OpenMetrics when asked). */
  metrics(format?: 'text' | 'openmetrics'): Promise<string>;
  /** Serves HTTP on host:port (0 for a free port) until the returned server or the exporter is closed. */
  listen(host: string, port: number): Promise<ListeningServer>;
  /**
   * The lifecycle's run step: serves on host:port, calls `onListening` with the server's URL, and resolves
   * after `signal` aborts and everything is stopped.
   */
  run(signal: AbortSignal, host: string, port: number, onListening?: (url: string) => void): Promise<void>;
  /** Collectors failing at their last run, with the reason. */
  failures(): ReadonlyMap<string, string>;
  /** Closes every server this exporter started and releases collector resources. */
  stop(): Promise<void>;
}

/** An invalid option; the message names it. */
export class ExporterConfigError extends Error {
  override readonly name = 'ExporterConfigError';
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Creates an exporter; throws ExporterConfigError for unknown collector names. */
export function createExporter(options: ExporterOptions = {}): Exporter {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? stderrLogger('info');
  const platform = options.platform ?? process.platform;
  const known = allCollectorNames();
  for (const name of Object.keys(options.collectors ?? {})) {
    if (!known.has(name)) throw new ExporterConfigError(`unknown collector "${name}"; known collectors: ${[...known].sort().join(', ')}`);
  }
  const paths: HostPaths = {
    procfs: options.paths?.procfs ?? '/proc',
    sysfs: options.paths?.sysfs ?? '/sys',
    rootfs: options.paths?.rootfs ?? '/',
    udevData: options.paths?.udevData ?? '/run/udev/data',
  };
  const files = new HostFiles(paths);
  const ctx: CollectorContext = {
    paths,
    files,
    clock,
    logger,
    platform,
    textfileDirectory: options.textfileDirectory ?? '',
    filesystemMountPointsExclude: options.filesystemMountPointsExclude ?? DEFAULT_MOUNT_POINTS_EXCLUDE,
    filesystemFsTypesExclude: options.filesystemFsTypesExclude ?? DEFAULT_FS_TYPES_EXCLUDE,
    diskstatsDeviceExclude: options.diskstatsDeviceExclude ?? DEFAULT_DISK_DEVICE_EXCLUDE,
    netDeviceExclude: options.netDeviceExclude,
    docker: {
      socketPath: options.docker?.socketPath ?? '/var/run/docker.sock',
      concurrency: options.docker?.concurrency ?? 4,
      callTimeoutMs: options.docker?.callTimeoutMs ?? 3000,
    },
  };
  const timeoutMs = options.collectorTimeoutMs ?? 5000;
  const enabledDefs = collectorsFor(platform).filter((def) => options.collectors?.[def.name] ?? (options.disableDefaults ? false : def.defaultEnabled));
  const order = enabledDefs.map((def) => def.name);
  const remoteNames = options.workerThread && platform === 'linux' ? order.filter((name) => WORKER_COLLECTORS.includes(name)) : [];
  // The worker's answer is waited for as long as its own collectors may run, and a second more.
  const remote = remoteNames.length > 0 ? new WorkerCollectors(workerSettings(remoteNames, timeoutMs, ctx), timeoutMs + 1000) : undefined;
  const collectors: NamedCollector[] = enabledDefs.filter((def) => !remoteNames.includes(def.name)).map((def) => ({ name: def.name, collector: def.create(ctx) }));
  const runner = new ScrapeRunner(collectors, timeoutMs, logger, remote, order);
  const self = new SelfMetrics(clock);
  const servers = new Set<ListeningServer>();
  const telemetryPath = options.telemetryPath ?? '/metrics';

  // Requests that arrive while a scrape is running share its result (two Prometheus servers of an HA pair
  // scraping at the same moment, say). This also keeps the collector contract: never run concurrently
  // with itself.
  let inFlight: Promise<MetricWriter> | undefined;
  const renderCache = new RenderCache();
  // The hook waits for setImmediate: by then the response that asked for the scrape has been written to
  // its socket, so the client never waits for it. Requests sharing a scrape schedule it once.
  let afterScrapeScheduled = false;
  const runAfterScrape = (): void => {
    afterScrapeScheduled = false;
    try {
      options.afterScrape?.();
    } catch (err) {
      logger.warn(`after-scrape hook failed: ${(err as Error).message}`);
    }
  };
  const render = async (openMetrics: boolean): Promise<string> => {
    inFlight ??= runner.scrape().finally(() => {
      inFlight = undefined;
      // Descriptors of files no collector read in this scrape (a removed interface, say) are closed now.
      files.sweep();
    });
    const collected = await inFlight;
    // Self metrics go into a writer of their own so a shared scrape result is never modified.
    const own = new MetricWriter();
    if (!options.disableExporterMetrics) self.write(own);
    self.countScrape();
    const families = [...collected.all(), ...own.all()];
    if (options.afterScrape !== undefined && !afterScrapeScheduled) {
      afterScrapeScheduled = true;
      setImmediate(runAfterScrape);
    }
    return openMetrics ? renderOpenMetrics(families) : renderText(families, renderCache);
  };

  const landingPage = (): string => {
    const rows = order.map((name) => {
      const failure = runner.failures().get(name);
      return `<li>${escapeHtml(name)}${failure !== undefined ? ` — failing: ${escapeHtml(failure)}` : ''}</li>`;
    }).join('');
    return `<!doctype html><html><head><meta charset="utf-8"><title>hlmon exporter</title></head><body>`
      + `<h1>hlmon exporter</h1><p>A node_exporter-compatible exporter.</p><p><a href="${escapeHtml(telemetryPath)}">Metrics</a></p>`
      + `<h2>Enabled collectors</h2><ul>${rows}</ul></body></html>\n`;
  };

  return {
    enabledCollectors: order,
    metrics: (format = 'text') => render(format === 'openmetrics'),
    async listen(host, port) {
      const server = await startHttpServer(
        { render, landingPage, countRequest: (code) => self.countRequest(code) },
        { telemetryPath, maxRequests: options.maxRequests ?? 40, webConfig: options.webConfig, logger },
        host, port,
      );
      const tracked: ListeningServer = {
        url: server.url,
        close: async () => {
          servers.delete(tracked);
          await server.close();
        },
      };
      servers.add(tracked);
      return tracked;
    },
    async run(signal, host, port, onListening) {
      const server = await this.listen(host, port);
      onListening?.(server.url);
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      await this.stop();
    },
    failures: () => runner.failures(),
    async stop() {
      await Promise.all([...servers].map((s) => s.close()));
      for (const c of collectors) c.collector.close?.();
      remote?.close();
      files.close();
    },
  };
}
