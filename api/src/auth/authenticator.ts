/**
 * Works out who is calling (session cookie, API key, or anonymous) and enforces roles. The principal is
 * resolved once per request and kept on `ctx.state`, so the gate the server mounts before every router
 * and the per-route checks of the v1 routes agree and do not query twice.
 */
import type { Context } from 'koa';
import { ApiError } from '../errors.js';
import type { AuthStore } from './auth-store.js';
import { type Access, type Principal, type Role, roleAtLeast } from './roles.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'hlmon_session';

/**
 * The header that unsafe requests authenticated by cookie must carry. A browser only sends a custom header
 * cross-origin after a CORS preflight that the allow-list answers, so a forged form post or image cannot.
 */
export const CSRF_HEADER = 'x-requested-with';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Authentication settings. */
export interface AuthenticatorOptions {
  /** Role of callers without credentials; undefined means they get 401. */
  readonly anonymousRole?: Role | undefined;
  /** Origins other than the server's own allowed to call with a cookie (the CORS allow-list). */
  readonly allowedOrigins?: readonly string[];
}

/** Resolves and checks principals. */
export class Authenticator {
  constructor(readonly store: AuthStore, private readonly opts: AuthenticatorOptions = {}) {}

  /** The caller, or undefined when anonymous access is off and no valid credentials came. Throws 401 for bad ones. */
  async principal(ctx: Context): Promise<Principal | undefined> {
    const state = ctx.state as { principal?: Principal | null };
    if (state.principal !== undefined) return state.principal ?? undefined;
    const p = await this.resolve(ctx);
    state.principal = p ?? null;
    return p;
  }

  /** Throws 401 or 403 unless the caller has `access`; returns the caller. */
  async require(ctx: Context, access: Access): Promise<Principal | undefined> {
    // Public routes do not look the caller up (no database round trip for badges, health, the UI's files);
    // they see the caller only when an earlier step already resolved it.
    if (access === 'public') return (ctx.state as { principal?: Principal | null }).principal ?? undefined;
    const p = await this.principal(ctx);
    if (!p) {
      ctx.set('WWW-Authenticate', 'Bearer realm="hlmon"');
      throw new ApiError(401, 'unauthorized', 'authentication required: log in or send an API key as "Authorization: Bearer hlm_..."');
    }
    if (!roleAtLeast(p.role, access)) throw new ApiError(403, 'forbidden', `this needs the ${access} role; you have ${p.role}`);
    return p;
  }

  /** The session id from the cookie, if any. */
  sessionId(ctx: Context): string | undefined {
    return ctx.cookies.get(SESSION_COOKIE) || undefined;
  }

  /** Rejects a cookie-authenticated unsafe request without the CSRF header or from a foreign origin. */
  checkCsrf(ctx: Context): void {
    if (SAFE_METHODS.has(ctx.method)) return;
    if (!ctx.get(CSRF_HEADER)) throw new ApiError(403, 'csrf', `requests with a session cookie must send the ${CSRF_HEADER} header`);
    const origin = ctx.get('origin');
    if (origin && !this.originAllowed(ctx, origin)) throw new ApiError(403, 'csrf', `origin ${origin} is not allowed`);
  }

  /** True for the server's own origin and the allow-list. */
  originAllowed(ctx: Context, origin: string): boolean {
    if (origin === `${ctx.protocol}://${ctx.host}`) return true;
    return (this.opts.allowedOrigins ?? []).includes(origin);
  }

  /**
   * The caller of a WebSocket upgrade, from its raw headers: an API key, or a session cookie from an
   * allowed origin (browsers send cookies on cross-site WebSocket handshakes, so the origin is what stops
   * another site from opening a stream as the user). Throws ApiError 401 for bad credentials.
   */
  async principalFromHeaders(headers: Record<string, string | string[] | undefined>, ownOrigins: readonly string[]): Promise<Principal | undefined> {
    const header = one(headers['authorization']);
    if (header) return this.fromAuthorization(header);
    const sid = parseCookie(one(headers['cookie']) ?? '', SESSION_COOKIE);
    if (sid) {
      const origin = one(headers['origin']);
      if (origin && !ownOrigins.includes(origin) && !(this.opts.allowedOrigins ?? []).includes(origin)) {
        throw new ApiError(403, 'csrf', `origin ${origin} is not allowed`);
      }
      const user = await this.store.sessionUser(sid);
      if (user) return { kind: 'session', role: user.role, userId: user.id, username: user.username };
    }
    return this.opts.anonymousRole ? { kind: 'anonymous', role: this.opts.anonymousRole } : undefined;
  }

  private async fromAuthorization(header: string): Promise<Principal> {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new ApiError(401, 'unauthorized', 'the Authorization header must be "Bearer <API key>"');
    const key = await this.store.useKey(m[1]!);
    if (!key) throw new ApiError(401, 'unauthorized', 'the API key is unknown or revoked');
    return { kind: 'key', role: key.role, keyId: key.id };
  }

  private async resolve(ctx: Context): Promise<Principal | undefined> {
    const header = ctx.get('authorization');
    if (header) return this.fromAuthorization(header);
    const sid = this.sessionId(ctx);
    if (sid) {
      const user = await this.store.sessionUser(sid);
      if (user) {
        this.checkCsrf(ctx);
        return { kind: 'session', role: user.role, userId: user.id, username: user.username };
      }
    }
    return this.opts.anonymousRole ? { kind: 'anonymous', role: this.opts.anonymousRole } : undefined;
  }
}

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** One cookie's value from a Cookie header. */
function parseCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim()) || undefined;
  }
  return undefined;
}
