/**
 * The server's Koa application: health endpoints, self metrics, the REST API, the Prometheus-compatible
 * query API and (later) the web UI. Everything it needs comes in through `AppDeps`; it opens nothing itself.
 */
import Koa from 'koa';
import { Router } from '@koa/router';
import type { Registry } from 'prom-client';
import { ConnectionError, QueryTimeoutError } from '@hlmon/store';
import { ApiError } from './errors.js';
import { httpMetrics } from './metrics.js';

/** What the app is handed by the CLI. */
export interface AppDeps {
  /** The registry whose metrics `/metrics` serves (never prom-client's global one). */
  readonly registry: Registry;
  /** More self metrics in the text format, appended to the registry's (e.g. the scraper's). */
  readonly extraMetrics?: () => string | Promise<string>;
  /** True once the process can serve queries (database migrated and reachable). */
  readonly ready: () => boolean | Promise<boolean>;
  /** Middleware mounted before every router, in order (CORS, the auth gate). */
  readonly middleware?: readonly Koa.Middleware[];
  /** Extra routers mounted by later parts (Prometheus API, REST API); mounted in order. */
  readonly routers?: readonly Router[];
  /** Logs server faults; the client sees only a generic message. */
  readonly log?: (line: string) => void;
}

/** Builds the Koa app. Use `app.callback()` with node:http or supertest. */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  app.proxy = false;
  const log = deps.log ?? ((line: string) => process.stderr.write(line + '\n'));

  app.use(errorHandler(log));
  // Runs after every router (and their 405 answers): whatever nobody answered is a JSON 404.
  app.use(async (ctx, next) => {
    await next();
    if (ctx.body == null && ctx.status === 404) throw new ApiError(404, 'not_found', `no route for ${ctx.method} ${ctx.path}`);
  });
  app.use(securityHeaders);
  app.use(httpMetrics(deps.registry));
  for (const mw of deps.middleware ?? []) app.use(mw);

  const base = new Router();
  // Prometheus answers these two with plain text; Kubernetes-style probes only look at the status.
  base.get('/-/healthy', (ctx) => {
    ctx.type = 'text/plain';
    ctx.body = 'hlmon is Healthy.\n';
  });
  base.get('/-/ready', async (ctx) => {
    const ready = await deps.ready();
    ctx.status = ready ? 200 : 503;
    ctx.type = 'text/plain';
    ctx.body = ready ? 'hlmon is Ready.\n' : 'hlmon is not ready.\n';
  });
  base.get('/metrics', async (ctx) => {
    ctx.type = deps.registry.contentType;
    const own = await deps.registry.metrics();
    ctx.body = deps.extraMetrics ? own + (await deps.extraMetrics()) : own;
  });
  app.use(base.routes());
  app.use(base.allowedMethods({ throw: true }));
  for (const r of deps.routers ?? []) {
    app.use(r.routes());
    app.use(r.allowedMethods({ throw: true }));
  }
  return app;
}

/** One error handler for the app: ApiError and Koa's 4xx become JSON; anything else is a 500 with no details. */
function errorHandler(log: (line: string) => void): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      const e = err as { status?: number; expose?: boolean; message?: string };
      if (err instanceof ApiError) {
        ctx.status = err.status;
        ctx.body = { error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) } };
      } else if (typeof e.status === 'number' && e.status < 500 && e.expose) {
        ctx.status = e.status;
        ctx.body = { error: { code: httpCode(e.status), message: e.message ?? 'bad request' } };
      } else if (databaseUnavailable(err)) {
        // A full pool or an unreachable database is a temporary condition the client can retry, not a fault.
        ctx.status = 503;
        ctx.set('Retry-After', '1');
        ctx.body = { error: { code: 'unavailable', message: 'the database is busy or unreachable; try again' } };
      } else if (ctx.req.destroyed || ctx.req.aborted) {
        // The client went away and its query was cancelled: nobody is waiting for an answer and nothing failed.
        ctx.status = 499;
        ctx.body = { error: { code: 'canceled', message: 'request canceled by the client' } };
      } else {
        log(`error: ${ctx.method} ${ctx.path}: ${(err as Error)?.stack ?? String(err)}`);
        ctx.status = 500;
        ctx.body = { error: { code: 'internal', message: 'internal server error' } };
      }
    }
  };
}

/** True when `err` (or what it wraps) says the database could not be reached in time. */
function databaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof QueryTimeoutError || e instanceof ConnectionError) return true;
  }
  return false;
}

function httpCode(status: number): string {
  switch (status) {
    case 400: return 'bad_request';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 405: return 'method_not_allowed';
    case 413: return 'payload_too_large';
    default: return 'error';
  }
}

const securityHeaders: Koa.Middleware = async (ctx, next) => {
  await next();
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.set('Referrer-Policy', 'no-referrer');
};
