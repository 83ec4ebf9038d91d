/**
 * Serves the built web UI (webui/dist) at `/`: precompressed `.gz` files when the client accepts gzip, a
 * year of caching for content-hashed assets, `no-cache` for everything else, and `index.html` for paths that
 * are client-side routes. The API prefixes are never answered with the SPA, so a mistyped API URL still gets
 * a JSON 404 instead of a page of HTML.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Router } from '@koa/router';
import type { Context, Next } from 'koa';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

// Paths owned by the server itself; everything else may be a client-side route of the SPA.
const SPA_PATHS = /^(?!\/(?:api|prometheus|-|metrics)(?:\/|$))\/.*$/;
// esbuild writes hashed names like `main-3FQ2X7KD.js`; those never change content, so they are cached for a year.
const HASHED_NAME = /-[A-Z0-9]{8}\.[a-z0-9]+$/;

/** A file read from disk once and kept with its gzip twin and ETag. */
interface CachedFile {
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly etag: string;
  readonly mtimeMs: number;
}

/** Builds a router that serves the SPA from `distDir` (the webui's build output). */
export function webuiRouter(distDir: string): Router {
  const root = path.resolve(distDir);
  const router = new Router();
  const cache = new Map<string, CachedFile>();

  const load = async (file: string): Promise<CachedFile | undefined> => {
    let st;
    try {
      st = await stat(file);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const hit = cache.get(file);
    // A rebuild replaces files in place, so the cache is checked against the file's mtime.
    if (hit && hit.mtimeMs === st.mtimeMs) return hit;
    const body = await readFile(file);
    const gzip = await readFile(file + '.gz').catch(() => undefined);
    const entry = { body, gzip, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`, mtimeMs: st.mtimeMs };
    cache.set(file, entry);
    return entry;
  };

  const serve = async (ctx: Context, next: Next) => {
    let rel: string;
    try {
      rel = decodeURIComponent(ctx.path);
    } catch {
      return next();
    }
    // A NUL byte or a backslash never names a real asset and may confuse path handling.
    if (rel.includes('\0') || rel.includes('\\')) return next();
    const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
    if (file !== root && !file.startsWith(root + path.sep)) return next();

    let target = file;
    let entry = file === root ? undefined : await load(file);
    if (entry === undefined) {
      // A path with a file extension is a missing asset (404); anything else is a route of the SPA.
      if (path.extname(rel) !== '' && !rel.endsWith('.html')) return next();
      target = path.join(root, 'index.html');
      entry = await load(target);
      if (entry === undefined) return next();
    }
    const ext = path.extname(target);
    ctx.type = CONTENT_TYPES[ext] ?? 'application/octet-stream';
    ctx.set('Cache-Control', HASHED_NAME.test(target) ? 'public, max-age=31536000, immutable' : 'no-cache');
    ctx.set('Vary', 'Accept-Encoding');
    ctx.set('ETag', entry.etag);
    if (target.endsWith('.html')) {
      // The SPA talks only to its own origin; a strict policy makes injected markup much less useful.
      ctx.set('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'");
    }
    if (ctx.get('If-None-Match') === entry.etag) {
      ctx.status = 304;
      return;
    }
    if (entry.gzip !== undefined && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = entry.gzip;
    } else {
      ctx.body = entry.body;
    }
  };

  router.get(SPA_PATHS, serve);
  return router;
}
