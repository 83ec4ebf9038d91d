/**
 * The gate the server mounts before every router: it guards the routes that do not check roles themselves
 * (the hosts and containers REST routes, the Prometheus API) with the floor of the role table, and leaves
 * public surfaces (web UI assets, health, status pages, badges, login) open. The v1 routes check their own,
 * higher requirements after it.
 */
import type { Middleware } from 'koa';
import type { Authenticator } from './authenticator.js';
import type { Access } from './roles.js';

/** Prometheus API endpoints that take POST but only read (Grafana posts queries). */
const PROMETHEUS_READ_POST = /^\/prometheus\/api\/v1\/(query|query_range|query_exemplars|series|labels|label\/[^/]+\/values|format_query|parse_query)$/;

/** A rule of the gate: a path pattern, the methods it covers (all when undefined) and the access it needs. */
export interface GateRule {
  readonly pattern: RegExp;
  readonly method?: string;
  readonly access: Access;
}

/** The access a request needs before routing: explicit rules first, then the floor for each surface. */
export function gateAccess(method: string, path: string, rules: readonly GateRule[]): Access {
  for (const r of rules) if ((r.method === undefined || r.method === method) && r.pattern.test(path)) return r.access;
  const safe = method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
  if (path.startsWith('/prometheus/')) return safe || PROMETHEUS_READ_POST.test(path) ? 'viewer' : 'editor';
  if (path.startsWith('/api/')) return safe ? 'viewer' : 'editor';
  return 'public';
}

/** Koa middleware: 401/403 before any router for requests below the gate's floor. */
export function authGate(auth: Authenticator, rules: readonly GateRule[]): Middleware {
  return async (ctx, next) => {
    await auth.require(ctx, gateAccess(ctx.method, ctx.path, rules));
    await next();
  };
}
