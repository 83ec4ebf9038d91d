/**
 * In-memory stand-ins for REST endpoints the UI uses but the API does not have yet (silences, users),
 * answering exactly the shapes docs/webui.md documents, so the pages can be tested with data today.
 */
import { Router } from '@koa/router';
import { randomUUID } from 'node:crypto';

/**
 * A router with GET/POST /api/v1/silences, GET /api/v1/users and GET /api/v1/session. The session's role
 * comes from the `hlmon_test_role` cookie (admin when absent), so tests can be a viewer.
 */
export function pendingEndpointsRouter(nowMs: () => number): Router {
  const router = new Router({ prefix: '/api/v1' });
  const silences: unknown[] = [];
  router.get('/silences', (ctx) => { ctx.body = { silences }; });
  router.post('/silences', async (ctx) => {
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { matchers: unknown[]; startsAt: string; endsAt: string; createdBy: string; comment: string };
    const silence = { id: randomUUID(), ...body, status: { state: Date.parse(body.endsAt) > nowMs() ? 'active' : 'expired' } };
    silences.push(silence);
    ctx.status = 201;
    ctx.body = { silence };
  });
  router.get('/setup', (ctx) => { ctx.body = { needed: false }; });
  router.get('/session', (ctx) => {
    const role = ctx.cookies.get('hlmon_test_role') ?? 'admin';
    ctx.body = { user: { id: role, username: role, role } };
  });
  router.get('/users', (ctx) => { ctx.body = { users: [{ id: '1', username: 'admin', role: 'admin' }, { id: '2', username: 'guest', role: 'viewer' }] }; });
  return router;
}
