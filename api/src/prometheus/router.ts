/**
 * The Prometheus HTTP API under /prometheus/api/v1, so Grafana's Prometheus data source and any Prometheus
 * client work against hlmon. Response envelope, error types and status codes follow Prometheus 2.x
 * (web/api/v1/api.go).
 */
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { Clock, Labels, Matcher, Querier } from '@hlmon/model';
import { QueryError, parseExpr, toPrometheusJson } from '@hlmon/query';
import { BadDataError, parseDurationParam, parseRange, parseTime } from './params.js';
import { requestParams } from './form.js';

/** The query engine as the API uses it (implemented by @hlmon/query's Engine). */
export interface ApiEngine {
  instantQuery(expr: string, timeMs: number, opts?: { signal?: AbortSignal }): Promise<ApiQueryResult>;
  rangeQuery(expr: string, startMs: number, endMs: number, stepMs: number, opts?: { signal?: AbortSignal }): Promise<ApiQueryResult>;
}

/** A query result in the engine's shape. */
export type ApiQueryResult =
  | { resultType: 'vector'; result: { labels: Labels; t: number; v: number }[] }
  | { resultType: 'matrix'; result: { labels: Labels; samples: readonly { t: number; v: number }[] }[] }
  | { resultType: 'scalar'; result: { t: number; v: number } }
  | { resultType: 'string'; result: { t: number; v: string } };

/** Metric metadata as `/metadata` serves it. */
export interface MetricMetadata {
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/** What the Prometheus API needs; providers for parts that may not exist yet are optional. */
export interface PrometheusApiDeps {
  readonly engine: ApiEngine;
  readonly querier: Querier;
  readonly clock: Clock;
  /** Parses a series selector (`up{job="x"}`) into matchers; default: PromQL's vector selector syntax. */
  readonly parseSelector?: (selector: string) => Matcher[];
  /** Classifies an engine error: its Prometheus error type, or undefined for an internal fault. Default: QueryError's type. */
  readonly errorType?: (err: unknown) => 'bad_data' | 'timeout' | 'canceled' | 'execution' | undefined;
  readonly version: string;
  readonly queryTimeoutMs?: number;
  readonly metadata?: () => Promise<Map<string, MetricMetadata[]>>;
  readonly targets?: () => Promise<{ activeTargets: unknown[]; droppedTargets: unknown[] }>;
  readonly rules?: () => Promise<{ groups: unknown[] }>;
  readonly alerts?: () => Promise<{ alerts: unknown[] }>;
}

const STATUS: Record<string, number> = { bad_data: 400, execution: 422, timeout: 503, canceled: 503, internal: 500, not_found: 404 };

/** Builds the router for /prometheus/api/v1. */
export function prometheusRouter(deps: PrometheusApiDeps): Router {
  const errorType = deps.errorType ?? ((err: unknown) => (err instanceof QueryError ? err.type : undefined));
  const parseSelector = deps.parseSelector ?? parseSeriesSelector;
  const router = new Router({ prefix: '/prometheus/api/v1' });

  const handle = (fn: (ctx: Context, params: URLSearchParams) => Promise<unknown>) => async (ctx: Context) => {
    try {
      const params = await requestParams(ctx);
      const data = await fn(ctx, params);
      ctx.body = { status: 'success', data };
    } catch (err) {
      const type = err instanceof BadDataError ? 'bad_data' : errorType(err);
      if (type === undefined) throw err; // a server fault: the app's error handler hides the text
      ctx.status = STATUS[type] ?? 500;
      ctx.body = { status: 'error', errorType: type, error: (err as Error).message };
    }
  };

  const signalFor = (ctx: Context, params: URLSearchParams): AbortSignal => {
    const timeoutParam = params.get('timeout');
    const timeoutMs = timeoutParam ? parseDurationParam(timeoutParam, 'timeout') : deps.queryTimeoutMs ?? 120_000;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error('query timed out')), Math.max(1, timeoutMs));
    timer.unref();
    // A client that goes away cancels its query instead of leaving it to run.
    ctx.req.once('close', () => { if (!ctx.res.writableEnded) ac.abort(new Error('query canceled by client')); });
    ctx.res.once('finish', () => clearTimeout(timer));
    return ac.signal;
  };

  const query = handle(async (ctx, params) => {
    const expr = required(params, 'query');
    const t = params.get('time') ? parseTime(params.get('time')!, 'time') : deps.clock.now();
    const res = await deps.engine.instantQuery(expr, t, { signal: signalFor(ctx, params) });
    return toPrometheusJson(res);
  });
  router.get('/query', query);
  router.post('/query', query);

  const queryRange = handle(async (ctx, params) => {
    const expr = required(params, 'query');
    const start = parseTime(required(params, 'start'), 'start');
    const end = parseTime(required(params, 'end'), 'end');
    if (end < start) throw new BadDataError('invalid parameter "end": end timestamp must not be before start time');
    const step = parseDurationParam(required(params, 'step'), 'step');
    if (step <= 0) throw new BadDataError('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
    // Prometheus refuses ranges that would make more than 11,000 points per series.
    if ((end - start) / step > 11000) throw new BadDataError('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
    const res = await deps.engine.rangeQuery(expr, start, end, step, { signal: signalFor(ctx, params) });
    return toPrometheusJson(res);
  });
  router.get('/query_range', queryRange);
  router.post('/query_range', queryRange);

  const matcherSets = (params: URLSearchParams): Matcher[][] => params.getAll('match[]').map((s) => {
    try {
      return parseSelector(s);
    } catch (err) {
      throw new BadDataError(`invalid parameter "match[]": ${(err as Error).message}`);
    }
  });

  const series = handle(async (_ctx, params) => {
    const sets = matcherSets(params);
    if (sets.length === 0) throw new BadDataError('no match[] parameter provided');
    const range = parseRange(params.get('start') ?? undefined, params.get('end') ?? undefined);
    const list = await deps.querier.series(sets, range);
    return list.map((l) => l.toObject());
  });
  router.get('/series', series);
  router.post('/series', series);

  const labels = handle(async (_ctx, params) => {
    const range = parseRange(params.get('start') ?? undefined, params.get('end') ?? undefined);
    return deps.querier.labelNames(matcherSets(params), range);
  });
  router.get('/labels', labels);
  router.post('/labels', labels);

  router.get('/label/:name/values', handle(async (ctx, params) => {
    const name = ctx.params.name as string;
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new BadDataError(`invalid label name: "${name}"`);
    const range = parseRange(params.get('start') ?? undefined, params.get('end') ?? undefined);
    return deps.querier.labelValues(name, matcherSets(params), range);
  }));

  router.get('/metadata', handle(async (_ctx, params) => {
    const all = deps.metadata ? await deps.metadata() : new Map<string, MetricMetadata[]>();
    const metric = params.get('metric');
    const limit = params.get('limit') ? Number(params.get('limit')) : -1;
    const out: Record<string, MetricMetadata[]> = {};
    let n = 0;
    for (const [name, list] of [...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (metric && name !== metric) continue;
      if (limit >= 0 && n >= limit) break;
      out[name] = list;
      n++;
    }
    return out;
  }));

  router.get('/status/buildinfo', handle(async () => ({
    // Grafana reads the version to decide which Prometheus features to use: hlmon answers like the 2.42
    // release whose semantics it implements, and names itself in `application`.
    version: '2.42.0',
    revision: deps.version,
    branch: 'hlmon',
    buildUser: 'hlmon',
    buildDate: '',
    goVersion: `node ${process.version}`,
    application: 'hlmon',
  })));
  router.get('/status/runtimeinfo', handle(async () => ({
    startTime: new Date(deps.clock.now() - process.uptime() * 1000).toISOString(),
    CWD: process.cwd(),
    goroutineCount: 0,
    GOMAXPROCS: 0,
    storageRetention: '',
  })));
  router.get('/targets', handle(async () => (deps.targets ? deps.targets() : { activeTargets: [], droppedTargets: [] })));
  router.get('/rules', handle(async () => (deps.rules ? deps.rules() : { groups: [] })));
  router.get('/alerts', handle(async () => (deps.alerts ? deps.alerts() : { alerts: [] })));
  router.get('/query_exemplars', handle(async () => []));
  router.post('/query_exemplars', handle(async () => []));

  return router;
}

function required(params: URLSearchParams, name: string): string {
  const v = params.get(name);
  if (v === null || v === '') {
    throw new BadDataError(name === 'query' ? 'invalid parameter "query": unknown position: parse error: no expression found in input' : `invalid parameter "${name}": cannot parse "" to a valid ${name === 'step' ? 'duration' : 'timestamp'}`);
  }
  return v;
}

/** Parses a `match[]` selector as Prometheus does: a vector selector with at least one non-empty matcher. */
export function parseSeriesSelector(text: string): Matcher[] {
  const expr = parseExpr(text);
  if (expr.kind !== 'vectorSelector') throw new Error(`${JSON.stringify(text)} is not a series selector`);
  if (expr.matchers.every((m) => m.matchesEmpty())) throw new Error('match[] must contain at least one non-empty matcher');
  return [...expr.matchers];
}
