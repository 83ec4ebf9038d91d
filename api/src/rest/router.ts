/**
 * The read-only REST endpoints the web UI needs: hosts and containers, under /api/v1. Every number is
 * computed with PromQL through the injected engine; the querier is used only to find targets and when
 * they were last seen.
 */
import { setMaxListeners } from 'node:events';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { Clock, Querier } from '@hlmon/model';
import type { ApiEngine } from '../prometheus/router.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { hostFilesystems, hostInterfaces, listHosts } from './hosts.js';
import { listContainers } from './containers.js';
import { firingAlertsByInstance, type HostAlert } from './host-alerts.js';
import type { HostSummary } from './hosts.js';
import type { RulesView } from '../v1/sources.js';

/** What the REST router needs. */
export interface RestApiDeps {
  readonly engine: ApiEngine;
  readonly querier: Querier;
  readonly clock: Clock;
  /** How long a host that stopped answering is still listed (ms); 7 days by default. */
  readonly offlineWindowMs?: number;
  /** The most a REST request may spend in queries (ms); 30 s by default. */
  readonly queryTimeoutMs?: number;
  /** The rules manager, for each host's firing alerts; without it every host's `alerts` is empty. */
  readonly rules?: RulesView;
}

/** A host entry of the REST API: the summary and its firing alerts. */
export type HostEntry = HostSummary & { readonly alerts: readonly HostAlert[] };

const MAX_LABEL_VALUE_CHARS = 1024;

/** Builds the router for the read endpoints under /api/v1. */
export function restRouter(deps: RestApiDeps): Router {
  const router = new Router({ prefix: '/api/v1' });
  const offlineWindowMs = deps.offlineWindowMs ?? 7 * 86_400_000;

  router.get('/hosts', async (ctx) => {
    const filter = labelFilter(ctx, ['job', 'instance']);
    const signal = requestSignal(ctx, deps.queryTimeoutMs);
    const hosts = await listHosts(deps.engine, deps.querier, deps.clock.now(), filter, { offlineWindowMs, signal });
    const alerts = firingAlertsByInstance(deps.rules);
    ctx.body = { hosts: hosts.map((h): HostEntry => ({ ...h, alerts: alerts.get(h.instance) ?? [] })) };
  });

  router.get('/hosts/:instance', async (ctx) => {
    const instance = labelValue(ctx.params.instance, 'instance');
    const { job } = labelFilter(ctx, ['job']);
    const signal = requestSignal(ctx, deps.queryTimeoutMs);
    const now = deps.clock.now();
    const hosts = await listHosts(deps.engine, deps.querier, now, { instance, ...(job === undefined ? {} : { job }) }, { offlineWindowMs, signal });
    if (hosts.length === 0) throw notFound(`no host with instance ${JSON.stringify(instance)}${job === undefined ? '' : ` in job ${JSON.stringify(job)}`}`);
    if (hosts.length > 1) {
      throw new ApiError(409, 'ambiguous', `instance ${JSON.stringify(instance)} is scraped by several jobs; add ?job=`, { jobs: hosts.map((h) => h.job) });
    }
    const host = hosts[0]!;
    const at = host.stateAtMs ?? now;
    const target = { instance: host.instance, job: host.job };
    const [filesystems, interfaces, containers] = await Promise.all([
      hostFilesystems(deps.engine, target, at, signal),
      hostInterfaces(deps.engine, target, at, signal),
      listContainers(deps.engine, at, target, signal),
    ]);
    const alerts = firingAlertsByInstance(deps.rules).get(host.instance) ?? [];
    ctx.body = { host: { ...host, alerts } satisfies HostEntry, filesystems, interfaces, containers };
  });

  router.get('/containers', async (ctx) => {
    const filter = labelFilter(ctx, ['job', 'instance']);
    const signal = requestSignal(ctx, deps.queryTimeoutMs);
    ctx.body = { containers: await listContainers(deps.engine, deps.clock.now(), filter, signal) };
  });

  return router;
}

/** Reads optional label filters from the query string; unknown or repeated parameters are refused. */
function labelFilter<K extends string>(ctx: Context, allowed: readonly K[]): Partial<Record<K, string>> {
  const params = new URLSearchParams(ctx.querystring);
  const out: Partial<Record<K, string>> = {};
  for (const name of new Set(params.keys())) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw badRequest(`unknown query parameter "${name}"; allowed: ${allowed.join(', ')}`, { parameter: name });
    }
    const values = params.getAll(name);
    if (values.length > 1) throw badRequest(`query parameter "${name}" given ${values.length} times`, { parameter: name });
    out[name as K] = labelValue(values[0], name);
  }
  return out;
}

function labelValue(v: string | undefined, name: string): string {
  if (v === undefined || v === '') throw badRequest(`parameter "${name}" must not be empty`, { parameter: name });
  if (v.length > MAX_LABEL_VALUE_CHARS) throw badRequest(`parameter "${name}" is longer than ${MAX_LABEL_VALUE_CHARS} characters`, { parameter: name });
  return v;
}

/** Aborts the request's queries when the client goes away or the timeout passes. */
function requestSignal(ctx: Context, timeoutMs = 30_000): AbortSignal {
  const ac = new AbortController();
  // One request runs a dozen queries in parallel, each listening on this signal.
  setMaxListeners(100, ac.signal);
  const timer = setTimeout(() => ac.abort(new Error('query timed out')), timeoutMs);
  timer.unref();
  ctx.req.once('close', () => { if (!ctx.res.writableEnded) ac.abort(new Error('request canceled by client')); });
  ctx.res.once('finish', () => clearTimeout(timer));
  return ac.signal;
}
