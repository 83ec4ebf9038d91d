/**
 * The v1 route table: each route declares its method, path, role, schemas and handler in one place. The
 * router, the input validation, the role checks and the OpenAPI document are all built from these specs,
 * so a route cannot exist without being documented and guarded.
 */
import { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { Access, Principal } from '../auth/roles.js';
import { readJsonBody } from './body.js';

/** HTTP methods of routes. */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler receives: validated input and the caller. */
export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Principal | undefined;
  readonly ctx: Context;
}

/** One route. The handler's return value is the JSON body; undefined means 204. */
export interface RouteSpec<P = any, Q = any, B = any> {
  readonly method: Method;
  /** Koa-style path, `/api/v1/users/:id`. */
  readonly path: string;
  readonly access: Access;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /** OpenAPI tag (the page of the docs it is listed on). */
  readonly tag: string;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /** The success body's schema (documentation only). */
  readonly response?: z.ZodType;
  /** Success status (default 200, or 204 when the handler returns undefined). */
  readonly status?: number;
  /** Content type other than JSON (status pages, badges); the handler then sets ctx.body itself. */
  readonly produces?: string;
  readonly handler: (input: RouteInput<P, Q, B>) => unknown;
}

/** Declares a route with its input types inferred from the schemas. */
export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as RouteSpec;
}

/** Turns zod issues into one message and the field list, e.g. `body.name: too short`. */
export function validationError(where: 'params' | 'query' | 'body', error: z.ZodError): ApiError {
  const fields = error.issues.map((i) => {
    // An unknown key is reported on its parent; name the key itself, which is what the caller got wrong.
    const extra = i.code === 'unrecognized_keys' ? [String((i as { keys: string[] }).keys[0])] : [];
    const path = [where, ...i.path.map(String), ...extra].join('.');
    return { field: path, message: i.message, code: i.code };
  });
  const first = fields[0]!;
  return new ApiError(400, 'bad_request', `${first.field}: ${first.message}`, { field: first.field, fields });
}

function parse<T>(where: 'params' | 'query' | 'body', schema: z.ZodType<T> | undefined, value: unknown): T {
  if (!schema) {
    // An empty object is what many clients send for "no body"; anything else is a mistake worth naming.
    const emptyObject = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
    if (where === 'body' && value !== undefined && !emptyObject) throw new ApiError(400, 'bad_request', 'body: this route takes no body', { field: 'body' });
    if (where === 'query' && value && Object.keys(value).length > 0) {
      const field = `query.${Object.keys(value)[0]}`;
      throw new ApiError(400, 'bad_request', `${field}: unknown parameter`, { field });
    }
    return (where === 'body' ? undefined : {}) as T;
  }
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(where, r.error);
  return r.data;
}

/** Builds a router from specs: auth check first (so an anonymous caller learns nothing), then validation. */
export function buildRouter(specs: readonly RouteSpec[], auth: Authenticator, bodyLimitBytes: number): Router {
  const router = new Router();
  for (const spec of specs) {
    router[spec.method](spec.path, async (ctx: Context) => {
      const principal = await auth.require(ctx, spec.access);
      const params = parse('params', spec.params, ctx.params);
      const query = parse('query', spec.query, { ...ctx.query });
      const raw = spec.method === 'get' || spec.method === 'delete' ? undefined : await readJsonBody(ctx, bodyLimitBytes);
      const body = parse('body', spec.body, raw);
      const result = await spec.handler({ params, query, body, principal, ctx });
      if (spec.produces) return;
      if (result === undefined) ctx.status = 204;
      else {
        ctx.status = spec.status ?? 200;
        ctx.body = result;
      }
    });
  }
  return router;
}

/** Compiles a Koa-style path into a regex, for the gate that runs before routing. */
export function pathRegex(path: string): RegExp {
  const src = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, '[^/]+');
  return new RegExp(`^${src}/?$`);
}
