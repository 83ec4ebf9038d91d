/**
 * In-memory stand-ins for the REST endpoints the UI uses beyond hosts and containers (silences, session,
 * users, API keys, receivers, status pages, check management), answering the shapes of @hlmon/api's routes,
 * so the pages can be tested in-process over MemoryStorage. The end-to-end test (cli/test/webui-e2e.test.ts)
 * runs the same pages against the real routes on PostgreSQL.
 */
import { Router } from '@koa/router';
import type { Context } from 'koa';
import { randomBytes, randomUUID } from 'node:crypto';

/** A check as the stand-in's GET /api/v1/checks lists it. */
export interface StandInCheck {
  name: string; type: string; target: string; intervalSeconds: number; timeoutSeconds: number; paused: boolean; lastError: string | null;
  /** The scraper's last result, as the real route reports it (left out: a server that does not say). */
  up?: boolean | null; lastCheckMs?: number | null; responseTimeMs?: number | null;
}

async function readJson<T>(ctx: Context): Promise<T> {
  const chunks: Buffer[] = [];
  for await (const c of ctx.req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

function fail(ctx: Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.body = { error: { code, message } };
}

/**
 * A router with silences, session, users, keys, receivers, status pages and checks under /api/v1. The
 * session's role comes from the `hlmon_test_role` cookie (admin when absent), so tests can be a viewer; the
 * stand-ins do not enforce roles (the real API does, and the end-to-end test covers it).
 */
export function pendingEndpointsRouter(nowMs: () => number, checks: StandInCheck[] = []): Router {
  const router = new Router({ prefix: '/api/v1' });
  const silences: unknown[] = [];
  router.get('/silences', (ctx) => { ctx.body = { silences }; });
  router.post('/silences', async (ctx) => {
    const body = await readJson<{ matchers: unknown[]; startsAt: string; endsAt: string; createdBy: string; comment: string }>(ctx);
    const silence = { id: randomUUID(), ...body, status: { state: Date.parse(body.endsAt) > nowMs() ? 'active' : 'expired' } };
    silences.push(silence);
    ctx.status = 201;
    ctx.body = { silence };
  });
  // The history of resolved alerts: one disk alert that fired for 40 minutes and ended two hours ago.
  router.get('/alerts', (ctx) => {
    const resolved = { fingerprint: 'f1', labels: { alertname: 'DiskFull', instance: 'beta:9100', severity: 'warning' }, annotations: { summary: '/data is 95 % full' },
      state: 'resolved', activeAtMs: nowMs() - 160 * 60_000, resolvedAtMs: nowMs() - 120 * 60_000, silencedBy: [] };
    ctx.body = { alerts: ctx.query.state === 'resolved' ? [resolved] : [] };
  });
  router.get('/setup', (ctx) => { ctx.body = { needed: false }; });
  router.get('/session', (ctx) => {
    const role = ctx.cookies.get('hlmon_test_role') ?? 'admin';
    ctx.body = { user: { id: 1, username: role, role, createdAtMs: nowMs() }, role, kind: 'session' };
  });

  let nextId = 3;
  const users = [{ id: 1, username: 'admin', role: 'admin', createdAtMs: nowMs() - 86_400_000 }, { id: 2, username: 'guest', role: 'viewer', createdAtMs: nowMs() - 3_600_000 }];
  router.get('/users', (ctx) => { ctx.body = { users }; });
  router.post('/users', async (ctx) => {
    const b = await readJson<{ username: string; password: string; role: string }>(ctx);
    if (users.some((u) => u.username === b.username)) return fail(ctx, 409, 'conflict', `user ${b.username} exists`);
    if (b.password.length < 10) return fail(ctx, 400, 'invalid', 'body.password: must be at least 10 characters');
    const user = { id: nextId++, username: b.username, role: b.role, createdAtMs: nowMs() };
    users.push(user);
    ctx.status = 201;
    ctx.body = { user };
  });
  router.patch('/users/:id', async (ctx) => {
    const u = users.find((x) => x.id === Number(ctx.params.id));
    if (!u) return fail(ctx, 404, 'not_found', 'no such user');
    const b = await readJson<{ role?: string }>(ctx);
    if (u.role === 'admin' && b.role && b.role !== 'admin' && users.filter((x) => x.role === 'admin').length <= 1) return fail(ctx, 409, 'last_admin', 'the last admin cannot be demoted');
    if (b.role) u.role = b.role;
    ctx.body = { user: u };
  });
  router.delete('/users/:id', (ctx) => {
    const i = users.findIndex((x) => x.id === Number(ctx.params.id));
    if (i < 0) return fail(ctx, 404, 'not_found', 'no such user');
    users.splice(i, 1);
    ctx.status = 204;
  });

  const keys: { id: number; name: string; prefix: string; role: string; createdAtMs: number; lastUsedMs: number | null; revokedAtMs: number | null }[] = [];
  router.get('/keys', (ctx) => { ctx.body = { keys }; });
  router.post('/keys', async (ctx) => {
    const b = await readJson<{ name: string; role: string }>(ctx);
    const secret = `hlm_${randomBytes(16).toString('hex')}`;
    const key = { id: nextId++, name: b.name, prefix: secret.slice(0, 8), role: b.role, createdAtMs: nowMs(), lastUsedMs: null, revokedAtMs: null };
    keys.push(key);
    ctx.status = 201;
    ctx.body = { key, secret };
  });
  router.delete('/keys/:id', (ctx) => {
    const k = keys.find((x) => x.id === Number(ctx.params.id) && x.revokedAtMs === null);
    if (!k) return fail(ctx, 404, 'not_found', 'no live API key');
    k.revokedAtMs = nowMs();
    ctx.status = 204;
  });

  // One receiver that works and one whose endpoint refuses, as a misconfigured webhook would.
  const receivers = [{ name: 'phone', integrations: ['ntfy/0'] }, { name: 'broken', integrations: ['webhook/0'] }];
  router.get('/receivers', (ctx) => { ctx.body = { receivers }; });
  router.post('/receivers/:name/test', (ctx) => {
    const r = receivers.find((x) => x.name === ctx.params.name);
    if (!r) return fail(ctx, 404, 'not_found', `no receiver ${ctx.params.name}`);
    ctx.body = { results: r.integrations.map((integration) => (r.name === 'broken'
      ? { integration, ok: false, error: 'connect ECONNREFUSED 127.0.0.1:9', durationMs: 3 }
      : { integration, ok: true, error: '', durationMs: 12 })) };
  });

  const pages: { slug: string; title: string; description: string; checks: string[] }[] = [];
  router.get('/status-pages', (ctx) => { ctx.body = { pages: [...pages].sort((a, b) => a.slug.localeCompare(b.slug)) }; });
  router.put('/status-pages/:slug', async (ctx) => {
    const b = await readJson<{ title: string; description?: string; checks: string[] }>(ctx);
    const page = { slug: ctx.params.slug!, title: b.title, description: b.description ?? '', checks: b.checks };
    const i = pages.findIndex((p) => p.slug === page.slug);
    if (i >= 0) pages[i] = page; else pages.push(page);
    ctx.body = { page };
  });
  router.delete('/status-pages/:slug', (ctx) => {
    const i = pages.findIndex((p) => p.slug === ctx.params.slug);
    if (i < 0) return fail(ctx, 404, 'not_found', 'no such page');
    pages.splice(i, 1);
    ctx.status = 204;
  });

  router.get('/checks', (ctx) => { ctx.body = { checks }; });
  router.patch('/checks/:name', async (ctx) => {
    const c = checks.find((x) => x.name === ctx.params.name);
    if (!c) return fail(ctx, 404, 'not_found', `no check ${ctx.params.name}`);
    const b = await readJson<Partial<StandInCheck>>(ctx);
    for (const k of ['paused', 'target', 'intervalSeconds', 'timeoutSeconds'] as const) if (b[k] !== undefined) (c as unknown as Record<string, unknown>)[k] = b[k];
    // Pausing or resuming replaces the check's runner, so the server knows no result until the next run.
    if (b.paused !== undefined && 'up' in c) Object.assign(c, { up: null, lastCheckMs: null, responseTimeMs: null });
    ctx.body = { check: { id: c.name, name: c.name } };
  });
  router.delete('/checks/:name', (ctx) => {
    const i = checks.findIndex((x) => x.name === ctx.params.name);
    if (i < 0) return fail(ctx, 404, 'not_found', `no check ${ctx.params.name}`);
    checks.splice(i, 1);
    ctx.status = 204;
  });
  return router;
}
