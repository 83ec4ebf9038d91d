/**
 * Reads a JSON request body with a size limit. Koa has no body parser of its own; this one refuses a body
 * larger than the limit while it streams in (413), a body that is not JSON (415) and malformed JSON (400).
 */
import type { Context } from 'koa';
import { ApiError } from '../errors.js';

/** The default body limit: 1 MiB, plenty for a config file. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Parses the body as JSON; undefined when there is none. */
export async function readJsonBody(ctx: Context, limitBytes: number): Promise<unknown> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limitBytes) throw new ApiError(413, 'payload_too_large', `body of ${declared} bytes exceeds the limit of ${limitBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw new ApiError(413, 'payload_too_large', `body exceeds the limit of ${limitBytes} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  if (!ctx.is('application/json', '+json')) throw new ApiError(415, 'unsupported_media_type', 'the body must be JSON (Content-Type: application/json)');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'bad_request', `body: invalid JSON: ${(err as Error).message}`, { field: 'body' }, { cause: err });
  }
}
