/**
 * Wires one hlmon server process: database (embedded or by URL), migrations, and the HTTP app with the
 * parts that exist. This is the one place where pools, clocks and registries are created (DESIGN:
 * "wire in one place"); packages receive them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry, collectDefaultMetrics, Gauge } from 'prom-client';
import { openStore, type Store } from '@hlmon/store';
import { createApp, prometheusRouter } from '@hlmon/api';
import { Engine } from '@hlmon/query';
import { systemClock } from '@hlmon/model';
import type { HlmonConfig } from '@hlmon/scraper';
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
  readonly log: Logger;
}

/** A running server. */
export interface RunningServer {
  /** The base URL it serves, e.g. http://127.0.0.1:9800. */
  readonly url: string;
  readonly store: Store;
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
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot listen on ${opts.listen}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`, { cause: err });
  });
  const closers: (() => Promise<void>)[] = [
    () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  ];
  const closeAll = async () => { for (const c of closers) await c().catch((err) => log.warn('stop failed', { err })); };
  try {
    const store = await openStore(opts.databaseUrl ? { url: opts.databaseUrl } : { dataDir: opts.dataDir });
    closers.push(() => store.close());
    log.info('database opened', { engine: store.engine, url: redactUrl(store.url) });
    const { applied } = await store.migrate();
    if (applied.length > 0) log.info('migrations applied', { migrations: applied.join(',') });

    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    new Gauge({ name: 'hlmon_build_info', help: 'hlmon build information; the value is always 1.', labelNames: ['version'], registers: [registry] })
      .set({ version: VERSION }, 1);

    const querier = store.querier();
    const engine = new Engine({ querier });
    const promApi = prometheusRouter({
      engine,
      querier,
      clock: systemClock,
      version: VERSION,
    });

    const app = createApp({
      registry,
      routers: [promApi],
      ready: async () => {
        try { await store.ping(); return true; } catch { return false; }
      },
      log: (line) => log.error(line),
    });
    handler = app.callback();
    const addr = server.address() as AddressInfo;
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
    const url = `http://${shownHost}:${addr.port}`;

    let stopped: Promise<void> | undefined;
    return { url, store, stop: () => (stopped ??= closeAll()) };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
