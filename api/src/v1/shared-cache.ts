/**
 * A short-lived shared cache for the dashboard's heaviest reads (hosts, containers, checks, alerts). Their answers
 * are the same for every authorised caller and change only when a scrape lands (every 15 s by default), yet
 * each costs dozens of PromQL queries; with a dashboard open in many tabs they were computed again for
 * every poll. Identical GETs within `ttlMs` get the same answer, and concurrent identical GETs share one
 * computation (single flight). It runs after the auth gate, so it never answers a caller the gate refused.
 */
import type { Middleware } from 'koa';
import type { Clock } from '@hlmon/model';

interface Entry {
  untilMs: number;
  /** The JSON answer, encoded once: a large answer (the alerts list) is not converted again per caller. */
  body: Buffer;
}

/** Options of the cache. */
export interface SharedCacheOptions {
  /** Paths whose GET answers may be shared. */
  readonly pattern: RegExp;
  /** How long an answer is reused. */
  readonly ttlMs: number;
  readonly clock: Clock;
  /** Entries kept at most. */
  readonly maxEntries?: number;
}

/**
 * The dashboard routes the server shares answers for. The alerts list is among them: it is the same for
 * every viewer, alerts are sampled once a second anyway, and its body (every active alert and the last
 * day's resolved ones) costs more to serialise for 50 pollers than to keep; changes reach browsers at once
 * through the stream's `alerts` topic.
 */
export const DASHBOARD_PATHS = /^\/api\/v1\/(hosts(\/[^/]+)?|containers|checks|alerts)$/;

/** Koa middleware; see the module comment. */
export function sharedGetCache(opts: SharedCacheOptions): Middleware {
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry | undefined>>();
  const max = opts.maxEntries ?? 1000;
  // Bumped by every change made through the API (a silence, a config edit): answers computed before it are
  // dropped, so the caller who made the change never reads the state from before it.
  let generation = 0;
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD' && ctx.method !== 'OPTIONS') {
      try {
        await next();
      } finally {
        generation++;
        entries.clear();
        inFlight.clear();
      }
      return;
    }
    if (ctx.method !== 'GET' || !opts.pattern.test(ctx.path)) return next();
    const key = ctx.url;
    const now = opts.clock.now();
    let entry = entries.get(key);
    if (entry && entry.untilMs <= now) {
      entries.delete(key);
      entry = undefined;
    }
    if (!entry) {
      const pending = inFlight.get(key);
      if (pending) entry = await pending.catch(() => undefined);
    }
    if (entry) {
      ctx.type = 'application/json';
      ctx.body = entry.body;
      return;
    }
    let settle!: (e: Entry | undefined) => void;
    const mine = new Promise<Entry | undefined>((resolve) => { settle = resolve; });
    inFlight.set(key, mine);
    const started = generation;
    try {
      await next();
      if (ctx.status === 200 && ctx.body !== null && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body)) {
        const made: Entry = { untilMs: opts.clock.now() + opts.ttlMs, body: Buffer.from(JSON.stringify(ctx.body)) };
        if (started === generation) {
          if (entries.size >= max) entries.delete(entries.keys().next().value!);
          entries.set(key, made);
        }
        settle(made);
      } else settle(undefined);
    } catch (err) {
      settle(undefined);
      throw err;
    } finally {
      if (inFlight.get(key) === mine) inFlight.delete(key);
    }
  };
}
