/**
 * A short-lived shared cache for the dashboard's heaviest reads (hosts, containers, checks). Their answers
 * are the same for every authorised caller and change only when a scrape lands (every 15 s by default), yet
 * each costs dozens of PromQL queries; with a dashboard open in many tabs they were computed again for
 * every poll. Identical GETs within `ttlMs` get the same answer, and concurrent identical GETs share one
 * computation (single flight). It runs after the auth gate, so it never answers a caller the gate refused.
 */
import type { Middleware } from 'koa';
import type { Clock } from '@hlmon/model';

interface Entry {
  untilMs: number;
  text: string;
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

/** The dashboard routes the server shares answers for. */
export const DASHBOARD_PATHS = /^\/api\/v1\/(hosts(\/[^/]+)?|containers|checks)$/;

/** Koa middleware; see the module comment. */
export function sharedGetCache(opts: SharedCacheOptions): Middleware {
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Entry | undefined>>();
  const max = opts.maxEntries ?? 1000;
  return async (ctx, next) => {
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
      ctx.body = entry.text;
      return;
    }
    let settle!: (e: Entry | undefined) => void;
    inFlight.set(key, new Promise((resolve) => { settle = resolve; }));
    try {
      await next();
      if (ctx.status === 200 && ctx.body !== null && typeof ctx.body === 'object' && !Buffer.isBuffer(ctx.body)) {
        const made: Entry = { untilMs: opts.clock.now() + opts.ttlMs, text: JSON.stringify(ctx.body) };
        if (entries.size >= max) entries.delete(entries.keys().next().value!);
        entries.set(key, made);
        settle(made);
      } else settle(undefined);
    } catch (err) {
      settle(undefined);
      throw err;
    } finally {
      inFlight.delete(key);
    }
  };
}
