/**
 * `createServerApi`: the REST API v1, authentication, the live-update stream and public status pages,
 * built from injected components. The CLI mounts `middleware` before every router (CORS, then the auth
 * gate), then `routers`, and attaches the stream to its HTTP server.
 */
import type http from 'node:http';
import type { Middleware } from 'koa';
import { Router } from '@koa/router';
import type { Clock } from '@hlmon/model';
import { AuthStore, type SqlFn } from './auth/auth-store.js';
import { Authenticator } from './auth/authenticator.js';
import { authGate, type GateRule } from './auth/gate.js';
import { DEFAULT_LOGIN_LIMITS, LoginRateLimiter, type RateLimitOptions } from './auth/rate-limit.js';
import type { Role } from './auth/roles.js';
import type { ApiEngine } from './prometheus/router.js';
import { openApiDocument, openApiHtml } from './openapi/document.js';
import { IncidentLog } from './status/incidents.js';
import { StatusPages, statusRoutes } from './status/status-pages.js';
import { StreamHub, type StreamStats } from './stream/hub.js';
import { AlertHistory } from './v1/alert-history.js';
import { alertingRoutes } from './v1/alerting-routes.js';
import { authRoutes } from './v1/auth-routes.js';
import { DEFAULT_BODY_LIMIT_BYTES } from './v1/body.js';
import { CheckDailyCounts } from './v1/check-daily.js';
import { checksRoutes } from './v1/checks-routes.js';
import { ConfigEditor } from './v1/config-file.js';
import { configRoutes, targetJson } from './v1/config-routes.js';
import { corsAllowList } from './v1/cors.js';
import { DASHBOARD_PATHS, sharedGetCache } from './v1/shared-cache.js';
import { buildRouter, pathRegex, type RouteSpec } from './v1/route.js';
import type { CheckView, ConfigAccess, DispatcherView, RulesView, ScraperView, SilencesView, TargetView } from './v1/sources.js';

/** Everything the server API is built from. */
export interface ServerApiDeps {
  /** Runs one statement on the database (the store's `sql`); the API's tables come from API_MIGRATIONS. */
  readonly sql: SqlFn;
  readonly clock: Clock;
  /** PromQL over the stored samples (uptime ratios, badges, watched series). */
  readonly engine: ApiEngine;
  readonly scraper: ScraperView;
  readonly rules?: RulesView;
  readonly silences?: SilencesView;
  readonly dispatcher?: DispatcherView;
  readonly config: ConfigAccess;
  /** Version shown in the OpenAPI document. */
  readonly version?: string;
  readonly auth?: {
    /** Role of callers without credentials (`server.auth.anonymous` in hlmon.yml); off by default. */
    readonly anonymousRole?: Role | undefined;
    /** Session lifetime, default 7 days. */
    readonly sessionTtlMs?: number;
    readonly loginLimits?: RateLimitOptions;
  };
  /** Browser origins allowed to call the API with credentials (`server.cors.allowed_origins`). */
  readonly allowedOrigins?: readonly string[];
  /** Request body limit, default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /** Stream tuning (heartbeat, slow-client limit). */
  readonly stream?: { readonly heartbeatMs?: number; readonly maxBufferedBytes?: number; readonly replayEvents?: number };
  /** How long dashboard answers (hosts, containers, checks) are shared between callers; default 2 s, 0 turns it off. */
  readonly dashboardCacheMs?: number;
  /** How often alerts are sampled for history and the stream, default 1 s. */
  readonly alertPollMs?: number;
  /** Logs faults (never secrets: no request bodies, cookies or keys are logged). */
  readonly log?: (line: string) => void;
}

/** What createServerApi returns. */
export interface ServerApi {
  /** Mount before every router, in order (CORS, auth gate). */
  readonly middleware: readonly Middleware[];
  /** The v1 routes, status pages and badges, and the OpenAPI document; mount before the web UI's router. */
  readonly routers: readonly Router[];
  /** Every v1 route spec (for the role table test and the OpenAPI document). */
  readonly routes: readonly RouteSpec[];
  /** The OpenAPI document. */
  readonly openApi: Record<string, unknown>;
  readonly authenticator: Authenticator;
  readonly stream: StreamHub;
  /** Stream counters for self metrics. */
  streamStats(): StreamStats;
  /** The stream's self metrics in the text format, for createApp's `extraMetrics`. */
  metricsText(): string;
  /** Handles WebSocket upgrades at /api/v1/stream on the server. */
  attach(server: http.Server): void;
  /** Records pending check incidents and alert changes (tests call it to wait for them). */
  flush(): Promise<void>;
  /** Stops the stream and the background sampling. */
  close(): Promise<void>;
}

/** Builds the server API. */
export function createServerApi(deps: ServerApiDeps): ServerApi {
  const log = deps.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const store = new AuthStore(deps.sql, deps.clock, deps.auth?.sessionTtlMs ?? 7 * 86_400_000);
  const authenticator = new Authenticator(store, { anonymousRole: deps.auth?.anonymousRole, allowedOrigins: deps.allowedOrigins ?? [] });
  const limiter = new LoginRateLimiter(deps.clock, deps.auth?.loginLimits ?? DEFAULT_LOGIN_LIMITS);
  const sources = {
    sql: deps.sql, clock: deps.clock, engine: deps.engine, scraper: deps.scraper, rules: deps.rules,
    silences: deps.silences, dispatcher: deps.dispatcher, config: deps.config,
  };
  const editor = new ConfigEditor(deps.config);
  const stream = new StreamHub({ auth: authenticator, engine: deps.engine, clock: deps.clock, ...deps.stream, log });
  const incidents = new IncidentLog(deps.sql, (err) => log(`status: recording a check incident failed: ${(err as Error)?.stack ?? String(err)}`));
  const history = new AlertHistory(deps.sql, deps.rules, deps.clock, (a) => stream.publish('alerts', a), (err) => log(`alerts: recording history failed: ${(err as Error)?.stack ?? String(err)}`));
  const daily = new CheckDailyCounts(deps.sql, deps.engine, (err) => log(`checks: summarising daily uptime failed: ${(err as Error)?.stack ?? String(err)}`));
  const pages = new StatusPages(sources, incidents, daily);

  const routes: RouteSpec[] = [
    ...authRoutes({ auth: authenticator, limiter }),
    ...configRoutes({ editor, scraper: deps.scraper }),
    ...checksRoutes({ sources, editor, incidents, daily }),
    ...alertingRoutes({ sources, history }),
    ...statusRoutes(sources, pages),
  ];
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const v1 = buildRouter(routes, authenticator, bodyLimitBytes);
  const openApi = openApiDocument(routes, deps.version ?? '0.0.0');
  const docs = new Router();
  docs.get('/api/v1/openapi.json', (ctx) => { ctx.body = openApi; });
  const docsHtml = openApiHtml(openApi);
  docs.get('/api/v1/docs', (ctx) => { ctx.type = 'text/html; charset=utf-8'; ctx.body = docsHtml; });

  // The gate's explicit rules: the public routes of the table (and the docs), so the floor for /api/
  // does not lock out login, setup and status pages.
  const gateRules: GateRule[] = [
    ...routes.filter((r) => r.access === 'public').map((r) => ({ pattern: pathRegex(r.path), method: r.method.toUpperCase(), access: 'public' as const })),
    { pattern: /^\/api\/v1\/(openapi\.json|docs)$/, access: 'public' },
  ];
  const middleware: Middleware[] = [];
  if ((deps.allowedOrigins ?? []).length > 0) middleware.push(corsAllowList(deps.allowedOrigins!));
  middleware.push(authGate(authenticator, gateRules));
  const cacheMs = deps.dashboardCacheMs ?? 2000;
  if (cacheMs > 0) middleware.push(sharedGetCache({ pattern: DASHBOARD_PATHS, ttlMs: cacheMs, clock: deps.clock }));

  const onScrape = (t: TargetView) => {
    stream.publish('targets', targetJson(t));
    stream.seriesChanged();
  };
  const onCheck = (c: CheckView) => {
    void incidents.record(c);
    stream.publish('checks', {
      name: c.name, type: c.type, target: c.target, up: c.health === 'unknown' ? null : c.health === 'up',
      lastCheckMs: c.lastRunMs, responseTimeMs: c.lastDurationMs, lastError: c.lastError,
    });
  };
  deps.scraper.on('scrape', onScrape);
  deps.scraper.on('check', onCheck);
  history.start(deps.alertPollMs ?? 1000);

  return {
    middleware,
    routers: [docs, v1],
    routes,
    openApi,
    authenticator,
    stream,
    streamStats: () => ({ ...stream.stats }),
    metricsText: () => streamMetricsText(stream.stats),
    attach: (server) => stream.attach(server),
    flush: async () => {
      await history.poll();
      await incidents.flush();
      await daily.idle();
    },
    close: async () => {
      deps.scraper.off('scrape', onScrape);
      deps.scraper.off('check', onCheck);
      await history.stop();
      await incidents.flush();
      await daily.idle();
      await stream.close();
    },
  };
}

/**
 * Adapts middleware to an entry of createApp's `routers` list, for as long as createApp has no
 * `middleware` option: it runs for every request, in the routers' order.
 */
export function middlewareAsRouter(middleware: readonly Middleware[]): Router {
  const chain: Middleware = async (ctx, next) => {
    let i = -1;
    const run = async (n: number): Promise<void> => {
      if (n <= i) throw new Error('next() called twice');
      i = n;
      const mw = middleware[n];
      if (!mw) return next();
      await mw(ctx, () => run(n + 1));
    };
    await run(0);
  };
  return { routes: () => chain, allowedMethods: () => (async (_ctx, next) => next()) as Middleware } as unknown as Router;
}

/** The stream's counters as Prometheus text. */
function streamMetricsText(st: StreamStats): string {
  const metric = (name: string, type: string, help: string, v: number) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${v}\n`;
  return metric('hlmon_stream_clients', 'gauge', 'WebSocket stream clients connected.', st.clients)
    + metric('hlmon_stream_events_published_total', 'counter', 'Events published to the WebSocket stream.', st.eventsPublished)
    + metric('hlmon_stream_slow_clients_dropped_total', 'counter', 'Stream clients disconnected because they did not read fast enough.', st.slowClientsDropped)
    + metric('hlmon_stream_series_evaluation_errors_total', 'counter', 'Failed evaluations of watched series expressions.', st.seriesEvaluationErrors);
}
