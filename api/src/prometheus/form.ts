/**
 * Request parameters as Prometheus reads them: the URL query merged with a urlencoded POST body.
 */
import type { Context } from 'koa';
import { ApiError } from '../errors.js';

/** The most a form body may hold; Grafana's long queries fit well within it. */
export const MAX_FORM_BYTES = 1 << 20;

/** URL query and form body parameters together (body values after query values). */
export async function requestParams(ctx: Context): Promise<URLSearchParams> {
  const params = new URLSearchParams(ctx.querystring);
  if (ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded')) {
    const body = await readBody(ctx, MAX_FORM_BYTES);
    for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
  }
  return params;
}

async function readBody(ctx: Context, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError(413, 'payload_too_large', `request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
