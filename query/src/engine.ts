/**
 * The Engine: parses a query, evaluates it over a Querier with Prometheus 2.42 semantics, and enforces the
 * limits that protect the server (samples touched, timeout, points per series).
 */
import { Labels, systemClock } from '@hlmon/model';
import type { Clock, Querier, Sample } from '@hlmon/model';
import type { Expr } from './ast.js';
import { QueryError } from './errors.js';
import { Evaluator } from './evaluator.js';
import type { EvalContext } from './evaluator.js';
import { parseExpr, typeOf } from './parser.js';
import { compareLabels } from './value.js';
import type { Value } from './value.js';

/** The result of a query, shaped as Prometheus's HTTP API data. */
export type QueryResult =
  | { resultType: 'vector'; result: { labels: Labels; t: number; v: number }[] }
  | { resultType: 'matrix'; result: { labels: Labels; samples: Sample[] }[] }
  | { resultType: 'scalar'; result: { t: number; v: number } }
  | { resultType: 'string'; result: { t: number; v: string } };

/** Engine settings; the defaults are Prometheus's. */
export interface EngineOptions {
  /** Where samples come from. */
  querier: Querier;
  /** How far back an instant selector looks for a sample. */
  lookbackDeltaMs?: number;
  /** The most samples one query may touch. */
  maxSamples?: number;
  /** The wall-clock limit of one query. */
  timeoutMs?: number;
  /** The most points a range query may return per series. */
  maxPointsPerSeries?: number;
  /** The step of subqueries written without one (Prometheus: the global evaluation_interval). */
  defaultSubqueryStepMs?: number;
  /** The clock the timeout is measured on. */
  clock?: Clock;
}

/** Per-query options. */
export interface QueryOptions {
  /** Cancels the query. */
  signal?: AbortSignal;
}

/** Evaluates PromQL instant and range queries. Safe for concurrent use: each query has its own state. */
export class Engine {
  private readonly querier: Querier;
  private readonly lookbackDeltaMs: number;
  private readonly maxSamples: number;
  private readonly timeoutMs: number;
  private readonly maxPointsPerSeries: number;
  private readonly defaultSubqueryStepMs: number;
  private readonly clock: Clock;

  constructor(opts: EngineOptions) {
    this.querier = opts.querier;
    this.lookbackDeltaMs = opts.lookbackDeltaMs ?? 300_000;
    this.maxSamples = opts.maxSamples ?? 50_000_000;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.maxPointsPerSeries = opts.maxPointsPerSeries ?? 11_000;
    this.defaultSubqueryStepMs = opts.defaultSubqueryStepMs ?? 60_000;
    this.clock = opts.clock ?? systemClock;
  }

  /** Evaluates `expr` at one time (ms). */
  async instantQuery(expr: string, timeMs: number, opts: QueryOptions = {}): Promise<QueryResult> {
    const ast = parseExpr(expr);
    const value = await this.run(ast, timeMs, timeMs, [timeMs], opts);
    switch (value.type) {
      case 'scalar': return { resultType: 'scalar', result: { t: timeMs, v: value.steps[0]! } };
      case 'string': return { resultType: 'string', result: { t: timeMs, v: value.value } };
      case 'matrix': return {
        resultType: 'matrix',
        result: value.series.map((s) => ({ labels: s.labels, samples: s.ts.map((t, i) => ({ t, v: s.vs[i]! })) })).sort((a, b) => compareLabels(a.labels, b.labels)),
      };
      case 'vector': {
        const result = value.steps[0]!.map((e) => ({ labels: e.labels, t: timeMs, v: e.v }));
        if (!keepsOrder(ast)) result.sort((a, b) => compareLabels(a.labels, b.labels));
        return { resultType: 'vector', result };
      }
    }
  }

  /** Evaluates `expr` at start, start+step, ... up to end (ms); returns a matrix. */
  async rangeQuery(expr: string, startMs: number, endMs: number, stepMs: number, opts: QueryOptions = {}): Promise<QueryResult> {
    if (!(stepMs > 0)) throw new QueryError('bad_data', 'zero or negative query resolution step widths are not accepted. Try a positive integer');
    if (endMs < startMs) throw new QueryError('bad_data', 'end timestamp must not be before start time');
    if ((endMs - startMs) / stepMs > this.maxPointsPerSeries) {
      throw new QueryError('bad_data', `exceeded maximum resolution of ${this.maxPointsPerSeries.toLocaleString('en-US')} points per timeseries. Try decreasing the query resolution (?step=XX)`);
    }
    const ast = parseExpr(expr);
    const type = typeOf(ast);
    if (type !== 'scalar' && type !== 'vector') {
      throw new QueryError('bad_data', `invalid expression type ${JSON.stringify(type === 'matrix' ? 'range vector' : type)} for range query, must be Scalar or instant Vector`);
    }
    const times: number[] = [];
    for (let t = startMs; t <= endMs; t += stepMs) times.push(t);
    const value = await this.run(ast, startMs, endMs, times, opts);
    if (value.type === 'scalar') {
      return { resultType: 'matrix', result: [{ labels: Labels.EMPTY, samples: value.steps.map((v, i) => ({ t: times[i]!, v })) }] };
    }
    if (value.type !== 'vector') throw new QueryError('execution', `unexpected ${value.type} result`);
    const byKey = new Map<string, { labels: Labels; samples: Sample[] }>();
    value.steps.forEach((vec, i) => {
      for (const e of vec) {
        let s = byKey.get(e.labels.key);
        if (!s) byKey.set(e.labels.key, (s = { labels: e.labels, samples: [] }));
        s.samples.push({ t: times[i]!, v: e.v });
      }
    });
    return { resultType: 'matrix', result: [...byKey.values()].sort((a, b) => compareLabels(a.labels, b.labels)) };
  }

  private async run(ast: Expr, startMs: number, endMs: number, times: number[], opts: QueryOptions): Promise<Value> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(); }, this.timeoutMs);
    const onAbort = () => controller.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) controller.abort();
    const ctx: EvalContext = {
      querier: this.querier,
      lookbackDeltaMs: this.lookbackDeltaMs,
      maxSamples: this.maxSamples,
      defaultSubqueryStepMs: this.defaultSubqueryStepMs,
      queryStartMs: startMs,
      queryEndMs: endMs,
      clock: this.clock,
      deadlineMs: this.clock.now() + this.timeoutMs,
      signal: controller.signal,
      abortError: () => (timedOut ? new QueryError('timeout', 'query timed out in query execution') : new QueryError('canceled', 'query was canceled in query execution')),
      samples: 0,
      lastYieldMs: performance.now(),
    };
    try {
      return await new Evaluator(ctx, times).eval(ast);
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }
}

function keepsOrder(e: Expr): boolean {
  while (e.kind === 'paren') e = e.expr;
  if (e.kind === 'call') return e.func === 'sort' || e.func === 'sort_desc';
  if (e.kind === 'aggregate') return e.op === 'topk' || e.op === 'bottomk';
  return false;
}
