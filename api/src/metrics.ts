/**
 * Self-instrumentation of the HTTP server: request count and latency per route.
 */
import type { Context, Next } from 'koa';
import { Counter, Histogram, type Registry } from 'prom-client';

/** Koa middleware recording `hlmon_http_requests_total` and `hlmon_http_request_duration_seconds` per route. */
export function httpMetrics(registry: Registry): (ctx: Context, next: Next) => Promise<void> {
  const requests = new Counter({
    name: 'hlmon_http_requests_total',
    help: 'HTTP requests served, by route, method and status code.',
    labelNames: ['route', 'method', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hlmon_http_request_duration_seconds',
    help: 'HTTP request latency in seconds, by route.',
    labelNames: ['route', 'method'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      // The matched route pattern, not the raw path, keeps the label set bounded.
      const route = (ctx as Context & { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      requests.inc({ route, method: ctx.method, code: String(ctx.status) });
      duration.observe({ route, method: ctx.method }, seconds);
    }
  };
}
