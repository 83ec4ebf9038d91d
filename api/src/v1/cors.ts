/**
 * CORS for browser clients on other origins: only origins on the allow-list get the headers, with
 * credentials allowed (so a dashboard on another host can use its session) and the CSRF header permitted.
 * Preflights are answered here, before the auth gate, because browsers send them without credentials.
 */
import type { Middleware } from 'koa';

/** CORS middleware for an allow-list of origins (`scheme://host[:port]`). */
export function corsAllowList(allowedOrigins: readonly string[]): Middleware {
  const allowed = new Set(allowedOrigins);
  return async (ctx, next) => {
    const origin = ctx.get('origin');
    if (!origin || !allowed.has(origin)) {
      await next();
      return;
    }
    ctx.vary('Origin');
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Allow-Credentials', 'true');
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
      ctx.set('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE');
      ctx.set('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Requested-With');
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    await next();
  };
}
