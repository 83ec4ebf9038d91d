/**
 * First-run setup, login and logout, users and API keys. Secrets appear in exactly two responses: the
 * session cookie at login and an API key's secret at creation.
 */
import type { Context } from 'koa';
import { z } from 'zod';
import { ApiError, notFound } from '../errors.js';
import { type Authenticator, SESSION_COOKIE } from '../auth/authenticator.js';
import { DuplicateUserError, type User } from '../auth/auth-store.js';
import type { LoginRateLimiter } from '../auth/rate-limit.js';
import { route, type RouteSpec } from './route.js';
import { IdParams, KeySchema, PasswordSchema, RoleSchema, UserSchema, UsernameSchema } from './schemas.js';

/** Dependencies of the auth routes. */
export interface AuthRouteDeps {
  readonly auth: Authenticator;
  readonly limiter: LoginRateLimiter;
}

const Credentials = z.strictObject({ username: UsernameSchema, password: z.string().min(1).max(1024) });
const SessionResponse = z.object({ user: UserSchema.nullable(), role: RoleSchema, kind: z.enum(['session', 'key', 'anonymous']) });

function setSessionCookie(ctx: Context, sessionId: string, expiresAtMs: number): void {
  // Secure only over TLS: Koa refuses to set a secure cookie on a plain connection, and a plain-HTTP home
  // lab install must still be able to log in.
  ctx.cookies.set(SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', expires: new Date(expiresAtMs), overwrite: true });
}

/** The routes. */
export function authRoutes({ auth, limiter }: AuthRouteDeps): RouteSpec[] {
  const store = auth.store;
  const publicUser = (u: User) => ({ id: u.id, username: u.username, role: u.role, createdAtMs: u.createdAtMs });
  return [
    route({
      method: 'get', path: '/api/v1/setup', access: 'public', tag: 'auth',
      summary: 'Whether the first-run setup (creating the admin) is still open.',
      response: z.object({ needed: z.boolean() }),
      handler: async () => ({ needed: await store.needsSetup() }),
    }),
    route({
      method: 'post', path: '/api/v1/setup', access: 'public', tag: 'auth', status: 201,
      summary: 'Creates the first admin and logs them in; only while no user exists.',
      body: z.strictObject({ username: UsernameSchema, password: PasswordSchema }),
      response: z.object({ user: UserSchema }),
      handler: async ({ body, ctx }) => {
        const user = await store.setupAdmin(body.username, body.password);
        if (!user) throw new ApiError(409, 'setup_done', 'setup is done: an admin exists; log in instead');
        const s = await store.createSession(user.id);
        setSessionCookie(ctx, s.sessionId, s.expiresAtMs);
        return { user: publicUser(user) };
      },
    }),
    route({
      method: 'post', path: '/api/v1/session', access: 'public', tag: 'auth',
      summary: 'Logs in with a username and password; sets an HttpOnly, SameSite=Strict session cookie.',
      body: Credentials,
      response: z.object({ user: UserSchema }),
      handler: async ({ body, ctx }) => {
        const wait = limiter.retryAfterMs(ctx.ip, body.username);
        if (wait > 0) {
          ctx.set('Retry-After', String(Math.ceil(wait / 1000)));
          throw new ApiError(429, 'too_many_attempts', `too many failed logins; try again in ${Math.ceil(wait / 1000)} s`);
        }
        const user = await store.checkPassword(body.username, body.password);
        if (!user) {
          limiter.fail(ctx.ip, body.username);
          throw new ApiError(401, 'unauthorized', 'wrong username or password');
        }
        limiter.succeed(body.username);
        const s = await store.createSession(user.id);
        setSessionCookie(ctx, s.sessionId, s.expiresAtMs);
        return { user: publicUser(user) };
      },
    }),
    route({
      method: 'get', path: '/api/v1/session', access: 'viewer', tag: 'auth',
      summary: 'Who is calling: the logged-in user, or the role of an API key or of anonymous access.',
      response: SessionResponse,
      handler: async ({ principal }) => {
        const user = principal?.kind === 'session' && principal.userId !== undefined ? await store.getUser(principal.userId) : undefined;
        return { user: user ? publicUser(user) : null, role: principal!.role, kind: principal!.kind };
      },
    }),
    route({
      method: 'delete', path: '/api/v1/session', access: 'public', tag: 'auth',
      summary: 'Logs out: ends the session and clears the cookie.',
      handler: async ({ ctx }) => {
        const sid = auth.sessionId(ctx);
        if (sid) {
          auth.checkCsrf(ctx);
          await store.deleteSession(sid);
        }
        ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/', expires: new Date(0), overwrite: true });
        return undefined;
      },
    }),
    route({
      method: 'get', path: '/api/v1/users', access: 'admin', tag: 'users', summary: 'Lists users.',
      response: z.object({ users: z.array(UserSchema) }),
      handler: async () => ({ users: (await store.listUsers()).map(publicUser) }),
    }),
    route({
      method: 'post', path: '/api/v1/users', access: 'admin', tag: 'users', status: 201, summary: 'Creates a user.',
      body: z.strictObject({ username: UsernameSchema, password: PasswordSchema, role: RoleSchema }),
      response: z.object({ user: UserSchema }),
      handler: async ({ body }) => {
        try {
          return { user: publicUser(await store.createUser(body.username, body.password, body.role)) };
        } catch (err) {
          if (err instanceof DuplicateUserError) throw new ApiError(409, 'conflict', err.message, { field: 'body.username' }, { cause: err });
          throw err;
        }
      },
    }),
    route({
      method: 'patch', path: '/api/v1/users/:id', access: 'admin', tag: 'users',
      summary: "Changes a user's role or password (a new password ends their sessions).",
      params: IdParams,
      body: z.strictObject({ role: RoleSchema.optional(), password: PasswordSchema.optional() }),
      response: z.object({ user: UserSchema }),
      handler: async ({ params, body }) => {
        const user = await store.getUser(params.id);
        if (!user) throw notFound(`user ${params.id} not found`);
        if (user.role === 'admin' && body.role && body.role !== 'admin' && (await store.adminCount()) <= 1) {
          throw new ApiError(409, 'last_admin', 'the last admin cannot be demoted', { field: 'body.role' });
        }
        return { user: publicUser((await store.updateUser(params.id, body))!) };
      },
    }),
    route({
      method: 'delete', path: '/api/v1/users/:id', access: 'admin', tag: 'users', summary: 'Deletes a user.',
      params: IdParams,
      handler: async ({ params }) => {
        const user = await store.getUser(params.id);
        if (!user) throw notFound(`user ${params.id} not found`);
        if (user.role === 'admin' && (await store.adminCount()) <= 1) throw new ApiError(409, 'last_admin', 'the last admin cannot be deleted');
        await store.deleteUser(params.id);
        return undefined;
      },
    }),
    route({
      method: 'get', path: '/api/v1/keys', access: 'admin', tag: 'keys', summary: 'Lists API keys (never their secrets).',
      response: z.object({ keys: z.array(KeySchema) }),
      handler: async () => ({ keys: await store.listKeys() }),
    }),
    route({
      method: 'post', path: '/api/v1/keys', access: 'admin', tag: 'keys', status: 201,
      summary: 'Creates an API key scoped to a role; the secret is in this response only.',
      body: z.strictObject({ name: z.string().min(1).max(100), role: RoleSchema }),
      response: z.object({ key: KeySchema, secret: z.string() }),
      handler: async ({ body, principal }) => store.createKey(body.name, body.role, principal?.userId),
    }),
    route({
      method: 'delete', path: '/api/v1/keys/:id', access: 'admin', tag: 'keys', summary: 'Revokes an API key.',
      params: IdParams,
      handler: async ({ params }) => {
        if (!(await store.revokeKey(params.id))) throw notFound(`no live API key ${params.id}`);
        return undefined;
      },
    }),
  ];
}
