/**
 * Wires every long-running hlmon process (`server`, `start`, `scraper`, `api`) in one function: database
 * (embedded or by URL), migrations, and the HTTP app with the parts the role runs. This is the one place where pools, clocks and registries are created (DESIGN:
 * "wire in one place"); packages receive them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import type { Store } from '@hlmon/store';
import { openDatabase } from './database.js';
import { createApp, createServerApi, createTlsServer, middlewareAsRouter, prometheusRouter, prometheusAlerts, prometheusRules, restRouter, webuiRouter, type ServerApi, type ServerApiDeps, type TlsFiles } from '@hlmon/api';
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
import { HealthPublisher, StoredScraperView } from './scraper-health.js';

/** The router type createApp takes (from @koa/router, which only the api package depends on). */
type Router = ReturnType<typeof middlewareAsRouter>;

/**
 * Which parts a process runs: `server` all of them; `scraper` (scrapes, checks, writes) and `api` (REST
 * and Prometheus APIs, stream, status pages, web UI, rules) are its two halves for scale-out, sharing one
 * PostgreSQL.
 */
export type ProcessRole = 'server' | 'scraper' | 'api';

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

/** Options of an `hlmon scraper` process: a config is required (there is no built-in one to scrape). */
export interface ScraperProcessOptions extends Omit<ServerOptions, 'localExporter' | 'config'> {
  readonly config: HlmonConfig;
  /** Name this scraper publishes its target health under, unique per database (default `host:port`). */
  readonly scraperName?: string;
  /** How often target health is published to the database (default 5 s). */
  readonly healthPublishIntervalMs?: number;
}

/** Options of an `hlmon api` process. */
export interface ApiProcessOptions extends Omit<ServerOptions, 'localExporter' | 'config'> {
  readonly config: HlmonConfig;
  /** How often the scrapers' published target health is read (default 2 s). */
  readonly healthPollIntervalMs?: number;
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

/** A running `hlmon scraper`. */
export interface RunningScraper {
  /** The base URL of its own surface (/metrics, /-/healthy, /-/ready, /api/v1/targets). */
  readonly url: string;
  readonly store: Store;
  readonly scraper: Scraper;
  /** The name its target health is published under. */
  readonly name: string;
  /** Stops scraping, flushes every buffered sample, removes its published health, closes the database. Idempotent. */
  stop(): Promise<void>;
}

/** A running `hlmon api`. */
export interface RunningApi {
  readonly url: string;
  readonly store: Store;
  /** The scrapers' target health as read from the database. */
  readonly targets: StoredScraperView;
  /** Stops serving, drains rules and alerting and closes the database. Idempotent. */
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
 * `hlmon server` and `hlmon start`: every part in one process. Listens first (answering 503 "starting"
 * until the database is ready, so a port conflict fails fast and a slow first start of the embedded
 * database is visible), then opens and migrates the database and serves the app. Rejects with a one-line
 * cause on failure.
 */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const p = await startProcess('server', opts);
  return { url: p.url, store: p.store, scraper: p.scraper!, ...(p.exporterUrl ? { exporterUrl: p.exporterUrl } : {}), stop: p.stop };
}

/**
 * `hlmon scraper`: scrapes and checks, writes to the database (spooling while it is down), publishes its
 * target health there for an `hlmon api`, and serves only its own health, metrics and targets.
 */
export async function startScraper(opts: ScraperProcessOptions): Promise<RunningScraper> {
  const p = await startProcess('scraper', opts);
  return { url: p.url, store: p.store, scraper: p.scraper!, name: p.scraperName!, stop: p.stop };
}

/**
 * `hlmon api`: the APIs, stream, status pages, web UI and rules over what scrapers wrote; target and check
 * health come from what the scrapers publish in the database.
 */
export async function startApi(opts: ApiProcessOptions): Promise<RunningApi> {
  const p = await startProcess('api', opts);
  return { url: p.url, store: p.store, targets: p.stored!, stop: p.stop };
}

interface ProcessOptions extends ServerOptions {
  readonly scraperName?: string;
  readonly healthPublishIntervalMs?: number;
  readonly healthPollIntervalMs?: number;
}

interface StartedProcess {
  readonly url: string;
  readonly store: Store;
  readonly scraper?: Scraper;
  readonly stored?: StoredScraperView;
  readonly scraperName?: string;
  readonly exporterUrl?: string;
  stop(): Promise<void>;
}

/** What the API half reads target health from: the in-process Scraper or the scrapers' published health. */
type HealthView = Pick<Scraper, 'targets' | 'droppedTargets' | 'metadata' | 'checks'> & ServerApiDeps['scraper'];

/**
 * The one wiring of every process role: the same listener, database, registry, scraper, rules and API
 * parts, each created only when the role runs it. Parts are stopped in the reverse order of their start,
 * with the listener closed before the parts the API reads from.
 */
async function startProcess(role: ProcessRole, opts: ProcessOptions): Promise<StartedProcess> {
  const log = opts.log;
  const scrapes = role !== 'api';
  const servesApi = role !== 'scraper';
  // A scraper's surface is for operators and the api's own scrape of it; TLS belongs to the API's port.
  const listener = await listenEarly(opts.listen, servesApi ? opts.config?.server.tls : undefined, log);
  const stack: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const c of stack.splice(0).reverse()) await c().catch((err) => log.warn('stop failed', { err }));
    await listener.close();
  };
  try {
    const store = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
    stack.push(() => store.close());
    log.info('database opened', { engine: store.engine, url: redactUrl(store.url) });
    const migrated = await store.migrate();
    if (migrated.applied.length > 0) log.info('migrations applied', { migrations: migrated.applied.join(',') });
    const sql = (text: string, params?: readonly unknown[]) => store.sql(text, params);

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
      stack.push(() => exporter.stop());
      exporterUrl = listening.url;
    }

    const builtIn = opts.config ? undefined : defaultConfig({ dataDir: opts.dataDir, serverPort: listener.port, exporterUrl });
    const config = opts.config ?? builtIn!.config;
    let current = config;

    let scraper: Scraper | undefined;
    let publisher: HealthPublisher | undefined;
    let scraperName: string | undefined;
    if (scrapes) {
      const s = new Scraper({
        appender: () => store.appender(),
        dataDir: opts.dataDir,
        log: (level, msg, err) => log.child('scraper')[level](msg, err === undefined ? undefined : { err: err as Error }),
      });
      const applied = await s.applyConfig(config);
      if (applied.errors.length > 0) throw new Error(`cannot apply the configuration: ${applied.errors.join('; ')}`);
      await s.start();
      // Stopping the scraper flushes its buffer, so it must run before the database closes.
      stack.push(() => s.stop());
      scraper = s;
    }
    if (role === 'scraper') {
      scraperName = opts.scraperName ?? `${os.hostname()}:${listener.port}`;
      publisher = new HealthPublisher({
        sql, source: scraper!, name: scraperName, url: listener.url, intervalMs: opts.healthPublishIntervalMs ?? 5000,
        log: (level, msg, err) => log.child('health')[level](msg, err === undefined ? undefined : { err: err as Error }),
      });
      await publisher.start();
      // Before the scraper stops: its targets leave the api's list as it stops scraping them.
      const p = publisher;
      stack.push(() => p.stop());
    }
    let stored: StoredScraperView | undefined;
    if (role === 'api') {
      stored = new StoredScraperView({
        sql, pollIntervalMs: opts.healthPollIntervalMs ?? 2000,
        log: (level, msg, err) => log.child('health')[level](msg, err === undefined ? undefined : { err: err as Error }),
      });
      await stored.start();
      const s = stored;
      stack.push(() => s.stop());
    }

    const engine = servesApi ? new Engine({ querier: store.querier() }) : undefined;
    const rules = servesApi ? await startRules({ engine: engine!, store, config }) : undefined;
    if (rules) stack.push(() => rules.stop());
    // From here on, stopping closes the listener before the parts the API reads from.
    stack.push(() => listener.close());

    // Rules first: a config whose rules are invalid is rejected whole and the scraper keeps the old one.
    const applyConfig = async (cfg: HlmonConfig): Promise<{ errors: string[] }> => {
      if (rules) {
        const r = await rules.apply(cfg);
        if (r.errors.length > 0) return r;
      }
      if (scraper) {
        const r = await scraper.applyConfig(cfg);
        if (r.errors.length > 0) return r;
      }
      current = cfg;
      return { errors: [] };
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
      stack.push(async () => reloader.stop());
    }

    const health: HealthView | undefined = scraper ?? stored;
    const routers: Router[] = [];
    const extraMetrics: (() => string)[] = [];
    if (scraper) extraMetrics.push(() => scraper.metricsText());
    if (publisher) extraMetrics.push(() => counterText('hlmon_scraper_health_publish_errors_total', 'Rounds of publishing target health to the database that failed.', publisher.errors));
    if (stored) {
      extraMetrics.push(() => counterText('hlmon_scraper_health_read_errors_total', 'Reads of the scrapers\' published target health that failed.', stored.errors)
        + gaugeText('hlmon_scrapers', 'Scrapers that published target health, by whether they still report.', stored.scrapers()));
    }
    let middleware: ServerApi['middleware'] = [];
    if (servesApi) {
      const api = createApiPart({ engine: engine!, store, health: health!, rules: rules!, opts, current: () => current, builtInText: builtIn?.text, applyConfig, log });
      api.attach(listener.server);
      stack.push(() => api.close());
      routers.push(...api.routers);
      middleware = api.middleware;
      extraMetrics.push(() => api.metricsText());
    } else {
      routers.push(scraperStatusRouter(scraper!));
    }

    const app = createApp({
      registry,
      extraMetrics: () => extraMetrics.map((f) => f()).join(''),
      middleware,
      routers,
      // A scraper is ready once it runs: while the database is away it spools, which is its job.
      ready: async () => {
        if (!servesApi) return true;
        try { await store.ping(); return true; } catch { return false; }
      },
      log: (line) => log.error(line),
    });
    listener.serve(app.callback());
    return {
      url: listener.url, store,
      ...(scraper ? { scraper } : {}), ...(stored ? { stored } : {}), ...(scraperName ? { scraperName } : {}), ...(exporterUrl ? { exporterUrl } : {}),
      stop: once(closeAll),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** The HTTP listener, opened before anything else; answers 503 until `serve` hands it the app. */
async function listenEarly(listen: string, tlsFiles: TlsFiles | undefined, log: Logger) {
  const { host, port } = parseListenAddress(listen);
  let handler: http.RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'text/plain' });
    res.end('hlmon is starting.\n');
  };
  const tls = tlsFiles ? createTlsServer(tlsFiles, (req, res) => handler(req, res), (err) => log.warn('TLS certificate reload failed', { err })) : undefined;
  const server: http.Server = tls ? tls.server : http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot listen on ${listen}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`, { cause: err });
  });
  const boundPort = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    server,
    port: boundPort,
    url: `${tls ? 'https' : 'http'}://${shownHost}:${boundPort}`,
    serve: (h: http.RequestListener) => { handler = h; },
    close: once(() => new Promise<void>((resolve) => { tls?.unwatch(); server.close(() => resolve()); server.closeAllConnections(); })),
  };
}

/** The rules half: rule manager and alert dispatcher, started, with `apply` for config reloads. */
async function startRules(deps: { engine: Engine; store: Store; config: HlmonConfig }) {
  const { engine, store, config } = deps;
  // Rules evaluate where the query engine is; recording rules and ALERTS are written through the store.
  // Alert state, silences and the notification log persist in the database, so a restart neither loses a
  // `for` timer nor notifies twice.
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
  const apply = async (cfg: HlmonConfig): Promise<{ errors: string[] }> => {
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
  const applied = await apply(config);
  if (applied.errors.length > 0) throw new Error(`invalid rules: ${applied.errors.join('; ')}`);
  await dispatcher.start();
  const background = new AbortController();
  const ruleRun = ruleManager.run(background.signal);
  const dispatchRun = dispatcher.run(background.signal);
  return {
    ruleManager, dispatcher, silences, apply,
    stop: async () => {
      background.abort();
      await ruleManager.stop();
      await dispatcher.stop();
      await Promise.allSettled([ruleRun, dispatchRun]);
    },
  };
}

/** The API half's routers: Prometheus API, REST API, auth, stream, status pages and the web UI. */
function createApiPart(deps: {
  engine: Engine; store: Store; health: HealthView; rules: Awaited<ReturnType<typeof startRules>>; opts: ServerOptions;
  current: () => HlmonConfig; builtInText: string | undefined; applyConfig: (cfg: HlmonConfig) => Promise<{ errors: string[] }>; log: Logger;
}) {
  const { engine, store, health, rules, log } = deps;
  const querier = store.querier();
  const config = deps.current();
  const promApi = prometheusRouter({
    engine,
    querier,
    clock: systemClock,
    version: VERSION,
    targets: async () => ({
      activeTargets: health.targets().map(toPrometheusTarget),
      droppedTargets: health.droppedTargets().map((d) => ({ discoveredLabels: d.discoveredLabels.toObject() })),
    }),
    metadata: async () => health.metadata(),
    rules: async () => prometheusRules(rules.ruleManager),
    alerts: async () => prometheusAlerts(rules.ruleManager),
  });
  const rest = restRouter({ engine, querier, clock: systemClock, rules: rules.ruleManager });
  // The REST API, auth, live stream and status pages. Their routes go before the web UI's catch-all.
  const configFile = deps.opts.configFile;
  const api = createServerApi({
    sql: (text, params) => store.sql(text, params),
    clock: systemClock,
    engine,
    scraper: health,
    rules: rules.ruleManager,
    silences: rules.silences,
    dispatcher: rules.dispatcher,
    version: VERSION,
    config: {
      file: configFile,
      current: deps.current,
      currentText: async () => (configFile ? readFile(configFile, 'utf8') : deps.builtInText!),
      parse: (text) => {
        const r = parseConfig(text, configFile ?? '<built-in config>');
        return r.errors ? { errors: r.errors } : { config: r.config };
      },
      apply: (cfg) => deps.applyConfig(cfg as HlmonConfig),
    },
    auth: { anonymousRole: config.server.anonymousRole },
    allowedOrigins: config.server.allowedOrigins,
    log: (line) => log.child('api').warn(line),
  });
  const routers = [promApi, rest, ...api.routers];
  const webuiDist = webuiDistDir();
  if (webuiDist) routers.push(webuiRouter(webuiDist));
  else log.warn('the web UI is not built; run `npm run build` to serve it');
  return { routers, middleware: api.middleware, attach: api.attach, close: api.close, metricsText: api.metricsText };
}

/**
 * What an `hlmon scraper` serves besides health and metrics: its targets and checks, unauthenticated like
 * Prometheus's own targets page (keep the scraper port on the internal network), in the api's shapes.
 */
function scraperStatusRouter(scraper: Scraper): Router {
  const routes: Record<string, () => unknown> = {
    '/api/v1/targets': () => ({
      targets: scraper.targets().map(targetJson).sort((a, b) => a.job.localeCompare(b.job) || a.url.localeCompare(b.url)),
      droppedTargets: scraper.droppedTargets().map((d) => ({ discoveredLabels: d.discoveredLabels.toObject() })),
    }),
    '/api/v1/checks': () => ({
      checks: scraper.checks().map((c) => ({
        name: c.name, type: c.type, target: c.target, health: c.health, lastRunMs: c.lastRunMs > 0 ? c.lastRunMs : null,
        lastDurationMs: c.lastDurationMs, lastError: c.lastError, intervalMs: c.intervalMs,
      })),
    }),
    '/prometheus/api/v1/targets': () => ({
      status: 'success',
      data: {
        activeTargets: scraper.targets().map(toPrometheusTarget),
        droppedTargets: scraper.droppedTargets().map((d) => ({ discoveredLabels: d.discoveredLabels.toObject() })),
      },
    }),
  };
  return middlewareAsRouter([async (ctx, next) => {
    const route = routes[ctx.path];
    if (!route || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.body = route();
  }]);
}

/** A target in the shape of hlmon's /api/v1/targets (the api's own shape, so a client reads both alike). */
function targetJson(t: TargetHealth) {
  return {
    job: t.job, url: t.url, health: t.health, labels: t.labels.toObject(), discoveredLabels: t.discoveredLabels.toObject(),
    lastScrapeMs: t.lastScrapeMs > 0 ? t.lastScrapeMs : null, lastScrapeDurationMs: t.lastScrapeDurationMs, lastError: t.lastError,
    scrapeIntervalMs: t.scrapeIntervalMs, scrapeTimeoutMs: t.scrapeTimeoutMs, lastSamples: t.lastSamples,
  };
}

function counterText(name: string, help: string, v: number): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} counter\n${name} ${v}\n`;
}

function gaugeText(name: string, help: string, scrapers: readonly { stale: boolean }[]): string {
  const stale = scrapers.filter((s) => s.stale).length;
  return `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name}{state="reporting"} ${scrapers.length - stale}\n${name}{state="silent"} ${stale}\n`;
}

/** Runs `fn` once; later calls get the first call's promise. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
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
