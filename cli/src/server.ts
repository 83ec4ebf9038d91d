/**
 * Wires one hlmon server process: database (embedded or by URL), migrations, and the HTTP app with the
 * parts that exist. This is the one place where pools, clocks and registries are created (DESIGN:
 * "wire in one place"); packages receive them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import type { Store } from '@hlmon/store';
import { openDatabase } from './database.js';
import { createApp, createServerApi, createTlsServer, prometheusRouter, prometheusAlerts, prometheusRules, restRouter, webuiRouter } from '@hlmon/api';
import { checkRuleFiles, Dispatcher, engineQueryFn, parseAlertingConfig, RuleManager, Silences, SqlPersistence, formatRuleFileError } from '@hlmon/rules';
import { expandGlob } from './globs.js';
import { Engine } from '@hlmon/query';
import { systemClock } from '@hlmon/model';
import { ConfigReloader, Scraper, parseConfig, formatConfigError, type HlmonConfig, type TargetHealth } from '@hlmon/scraper';
import { createExporter } from '@hlmon/exporter';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Logger } from './log.js';
import { redactUrl } from './log.js';
import { VERSION } from './version.js';

/** Options of a server process. */
export interface ServerOptions {
  /** PostgreSQL URL; when absent an embedded PostgreSQL is started in `dataDir`. */
  readonly databaseUrl?: string;
  /** Folder for the embedded database and the scraper's spool. */
  readonly dataDir: string;
  /** `host:port` to listen on; port 0 picks a free port. */
  readonly listen: string;
  /** The validated hlmon.yml, when one was given. */
  readonly config?: HlmonConfig;
  /** The file `config` came from: reloaded on SIGHUP and on change. */
  readonly configFile?: string;
  /**
   * `hlmon start`: also run an exporter for this machine in-process, and without a config file scrape it
   * and the server itself (the zero-setup dashboard).
   */
  readonly localExporter?: boolean;
  /** Listen for SIGHUP (the CLI turns this on; in-process tests leave it off). */
  readonly onSighup?: boolean;
  readonly log: Logger;
}

/** A running server. */
export interface RunningServer {
  /** The base URL it serves, e.g. http://127.0.0.1:9800. */
  readonly url: string;
  readonly store: Store;
  readonly scraper: Scraper;
  /** The in-process exporter's URL, with `localExporter`. */
  readonly exporterUrl?: string;
  /** Stops serving, drains the parts and closes the database. Idempotent. */
  stop(): Promise<void>;
}

/** Splits `host:port` (also `:port` and `[::1]:port`). */
export function parseListenAddress(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen);
  if (!m) throw new Error(`invalid listen address ${JSON.stringify(listen)}: expected host:port`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`invalid listen address ${JSON.stringify(listen)}: port out of range`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/**
 * Listens first (answering 503 "starting" until the database is ready, so a port conflict fails fast and a
 * slow first start of the embedded database is visible), then opens and migrates the database and serves
 * the app. Rejects with a one-line cause on failure.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log;
  const { host, port } = parseListenAddress(opts.listen);
  let handler: http.RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('hlmon is starting.\n');
  };
  const tlsFiles = opts.config?.server.tls;
  const tls = tlsFiles ? createTlsServer(tlsFiles, (req, res) => handler(req, res), (err) => log.warn('TLS certificate reload failed', { err })) : undefined;
  const server: http.Server = tls ? tls.server : http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot listen on ${opts.listen}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`, { cause: err });
  });
  const closers: (() => Promise<void>)[] = [
    () => new Promise<void>((resolve) => { tls?.unwatch(); server.close(() => resolve()); server.closeAllConnections(); }),
  ];
  const closeAll = async () => { for (const c of closers) await c().catch((err) => log.warn('stop failed', { err })); };
  try {
    const store = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
    closers.push(() => store.close());
    log.info('database opened', { engine: store.engine, url: redactUrl(store.url) });
    const migrated = await store.migrate();
    if (migrated.applied.length > 0) log.info('migrations applied', { migrations: migrated.applied.join(',') });

    const querier = store.querier();
    const engine = new Engine({ querier });
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    new Gauge({ name: 'hlmon_build_info', help: 'hlmon build information; the value is always 1.', labelNames: ['version'], registers: [registry] })
      .set({ version: VERSION }, 1);

    // The machine's own exporter, in-process but over HTTP on loopback, so it is scraped exactly like
    // any other target (and shows up in the targets list like one).
    let exporterUrl: string | undefined;
    if (opts.localExporter) {
      const exporter = createExporter({ logger: { info: (m) => log.child('exporter').info(m), warn: (m) => log.child('exporter').warn(m) } });
      const listening = await exporter.listen('127.0.0.1', 0);
      closers.splice(1, 0, () => exporter.stop());
      exporterUrl = listening.url;
    }

    const serverPort = (server.address() as AddressInfo).port;
    const builtIn = opts.config ? undefined : defaultConfig({ dataDir: opts.dataDir, serverPort, exporterUrl });
    const config = opts.config ?? builtIn!.config;
    const scraper = new Scraper({
      appender: () => store.appender(),
      dataDir: opts.dataDir,
      log: (level, msg, err) => log.child('scraper')[level](msg, err === undefined ? undefined : { err: err as Error }),
    });
    const applied = await scraper.applyConfig(config);
    if (applied.errors.length > 0) throw new Error(`cannot apply the configuration: ${applied.errors.join('; ')}`);
    await scraper.start();
    // Stopping the scraper flushes its buffer, so it must run before the database closes.
    closers.splice(closers.length - 1, 0, () => scraper.stop());

    // Rules and alerting: evaluation writes recording rules and ALERTS through the store; alert state,
    // silences and the notification log persist in the database, so a restart neither loses a `for`
    // timer nor notifies twice.
    const persistence = new SqlPersistence({ query: (text, params) => store.sql(text, params) });
    const silences = new Silences(systemClock, persistence);
    const notifierDeps = { fetch: globalThis.fetch.bind(globalThis) };
    const dispatcher = new Dispatcher(parseAlertingConfig(config.alerting?.value ?? NO_ALERTING, notifierDeps), { clock: systemClock, silences, persistence });
    const ruleManager = new RuleManager({
      clock: systemClock,
      query: engineQueryFn(engine),
      appender: () => store.appender(),
      sink: (alerts) => dispatcher.put(alerts),
      persistence,
      externalLabels: config.global.externalLabels,
      defaultIntervalMs: config.global.evaluationIntervalMs,
    });
    const applyRules = async (cfg: HlmonConfig): Promise<{ errors: string[] }> => {
      const baseDir = path.dirname(path.resolve(cfg.file));
      const files = (await Promise.all(cfg.ruleFiles.map((g) => expandGlob(g, baseDir)))).flat();
      const checked = await checkRuleFiles(files);
      if (checked.errors.length > 0) return { errors: checked.errors.map(formatRuleFileError) };
      let alerting;
      try {
        alerting = parseAlertingConfig(cfg.alerting?.value ?? NO_ALERTING, notifierDeps);
      } catch (err) {
        return { errors: [(err as Error).message] };
      }
      await ruleManager.load(checked.groups);
      dispatcher.applyConfig(alerting);
      return { errors: [] };
    };
    const rulesApplied = await applyRules(config);
    if (rulesApplied.errors.length > 0) throw new Error(`invalid rules: ${rulesApplied.errors.join('; ')}`);
    await dispatcher.start();
    const background = new AbortController();
    const ruleRun = ruleManager.run(background.signal);
    const dispatchRun = dispatcher.run(background.signal);
    closers.splice(1, 0, async () => {
      background.abort();
      await ruleManager.stop();
      await dispatcher.stop();
      await Promise.allSettled([ruleRun, dispatchRun]);
    });

    // Rules first: a config whose rules are invalid is rejected whole and the scraper keeps the old one.
    const applyConfig = async (cfg: HlmonConfig): Promise<{ errors: string[] }> => {
      const r = await applyRules(cfg);
      return r.errors.length > 0 ? r : scraper.applyConfig(cfg);
    };
    if (opts.configFile) {
      const reloader = new ConfigReloader({
        file: opts.configFile,
        apply: applyConfig,
        log: (level, msg) => log.child('config')[level](msg),
        onSighup: opts.onSighup ?? false,
        watchFile: true,
      });
      reloader.start();
      closers.unshift(async () => reloader.stop());
    }

    const promApi = prometheusRouter({
      engine,
      querier,
      clock: systemClock,
      version: VERSION,
      targets: async () => ({
        activeTargets: scraper.targets().map(toPrometheusTarget),
        droppedTargets: scraper.droppedTargets().map((d) => ({ discoveredLabels: d.discoveredLabels.toObject() })),
      }),
      metadata: async () => scraper.metadata(),
      rules: async () => prometheusRules(ruleManager),
      alerts: async () => prometheusAlerts(ruleManager),
    });
    const rest = restRouter({ engine, querier, clock: systemClock, rules: ruleManager });
    const webuiDist = webuiDistDir();
    // The REST API, auth, live stream and status pages. Their routes go before the web UI's catch-all.
    const configFile = opts.configFile;
    const api = createServerApi({
      sql: (text, params) => store.sql(text, params),
      clock: systemClock,
      engine,
      scraper,
      rules: ruleManager,
      silences,
      dispatcher,
      version: VERSION,
      config: {
        file: configFile,
        current: () => scraper.currentConfig(),
        currentText: async () => (configFile ? readFile(configFile, 'utf8') : builtIn!.text),
        parse: (text) => {
          const r = parseConfig(text, configFile ?? '<built-in config>');
          return r.errors ? { errors: r.errors } : { config: r.config };
        },
        apply: (cfg) => applyConfig(cfg as HlmonConfig),
      },
      auth: { anonymousRole: config.server.anonymousRole },
      allowedOrigins: config.server.allowedOrigins,
      log: (line) => log.child('api').warn(line),
    });
    api.attach(server);
    closers.splice(1, 0, () => api.close());
    const routers = [promApi, rest, ...api.routers];
    if (webuiDist) routers.push(webuiRouter(webuiDist));
    else log.warn('the web UI is not built; run `npm run build` to serve it');

    const app = createApp({
      registry,
      extraMetrics: () => scraper.metricsText() + api.metricsText(),
      middleware: api.middleware,
      routers,
      ready: async () => {
        try { await store.ping(); return true; } catch { return false; }
      },
      log: (line) => log.error(line),
    });
    handler = app.callback();
    const addr = server.address() as AddressInfo;
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    const url = `${tls ? 'https' : 'http'}://${shownHost}:${addr.port}`;

    let stopped: Promise<void> | undefined;
    return { url, store, scraper, ...(exporterUrl ? { exporterUrl } : {}), stop: () => (stopped ??= closeAll()) };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** Without an `alerting` section alerts are still evaluated and shown, and sent nowhere. */
const NO_ALERTING = { route: { receiver: 'none' }, receivers: [{ name: 'none' }] };

/**
 * The zero-setup configuration of `hlmon start`: scrape this machine's exporter (labelled with the host
 * name rather than a loopback address) and the server itself every 15 s.
 */
export function defaultConfig(opts: { dataDir: string; serverPort: number; exporterUrl: string | undefined }): { config: HlmonConfig; text: string } {
  const host = os.hostname();
  const jobs = [`  - job_name: hlmon
    static_configs:
      - targets: ['127.0.0.1:${opts.serverPort}']
        labels: { instance: ${JSON.stringify(`${host}:hlmon`)} }`];
  if (opts.exporterUrl) {
    jobs.unshift(`  - job_name: node
    static_configs:
      - targets: [${JSON.stringify(new URL(opts.exporterUrl).host)}]
        labels: { instance: ${JSON.stringify(host)} }`);
  }
  // Read-only to anyone who can reach the port, so the dashboard is live at once; editing needs the admin
  // created at first-run setup. A config file without server.auth.anonymous requires login for everything.
  const text = `server:
  auth: { anonymous: viewer }
global:
  scrape_interval: 15s
  scrape_timeout: 10s
  evaluation_interval: 15s
storage:
  data_dir: ${JSON.stringify(opts.dataDir)}
scrape_configs:
${jobs.join('\n')}
`;
  const result = parseConfig(text, '<default config>', { env: {} });
  if (result.errors) throw new Error(`default config is invalid: ${result.errors.map(formatConfigError).join('; ')}`);
  return { config: result.config, text };
}

/** A target in the shape of Prometheus's /api/v1/targets. */
function toPrometheusTarget(t: TargetHealth): Record<string, unknown> {
  return {
    discoveredLabels: t.discoveredLabels.toObject(),
    labels: Object.fromEntries(Object.entries(t.labels.toObject()).filter(([k]) => !k.startsWith('__'))),
    scrapePool: t.job,
    scrapeUrl: t.url,
    globalUrl: t.url,
    lastError: t.lastError,
    lastScrape: t.lastScrapeMs > 0 ? new Date(t.lastScrapeMs).toISOString() : '0001-01-01T00:00:00Z',
    lastScrapeDuration: t.lastScrapeDurationMs / 1000,
    health: t.health,
    scrapeInterval: formatSeconds(t.scrapeIntervalMs),
    scrapeTimeout: formatSeconds(t.scrapeTimeoutMs),
  };
}

function formatSeconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The built web UI's folder, or undefined when it has not been built. */
function webuiDistDir(): string | undefined {
  const require = createRequire(import.meta.url);
  const dir = path.join(path.dirname(require.resolve('@hlmon/webui/package.json')), 'dist');
  return existsSync(path.join(dir, 'index.html')) ? dir : undefined;
}
