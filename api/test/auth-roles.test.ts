import { expect } from 'chai';
import { EXTRA_PATHS, gateAccess, roleAtLeast, type Access, type Role } from '@hlmon/api';
import { startHarness, type Harness } from './v1-harness.js';

type Caller = 'anonymous' | Role;
const CALLERS: Caller[] = ['anonymous', 'viewer', 'editor', 'admin'];

/** A concrete path for a pattern: parameters get values that name nothing, so no route changes anything. */
function concrete(path: string): string {
  return path.replace(/:id\b/g, '999999').replace(/:(\w+)/g, 'no-such-$1');
}

function expected(access: Access, caller: Caller): 'allowed' | 401 | 403 {
  if (access === 'public') return 'allowed';
  if (caller === 'anonymous') return 401;
  return roleAtLeast(caller, access) ? 'allowed' : 403;
}

describe('auth: every route for every role', function () {
  this.timeout(120_000);
  let h: Harness;
  const keys: Partial<Record<Role, string>> = {};
  before(async () => {
    h = await startHarness();
    await h.admin();
    for (const r of ['viewer', 'editor', 'admin'] as const) keys[r] = await h.key(r);
  });
  after(async () => { await h?.close(); });

  async function call(method: string, path: string, caller: Caller): Promise<number> {
    let req = (h.agent() as unknown as Record<string, (p: string) => import('supertest').Test>)[method]!(path);
    if (caller !== 'anonymous') req = req.set('Authorization', `Bearer ${keys[caller]}`);
    if (method !== 'get' && method !== 'delete') req = req.send({});
    return (await req).status;
  }

  it('lists every route of the table exactly once', () => {
    const seen = new Set<string>();
    for (const r of h.api.routes) {
      const k = `${r.method} ${r.path}`;
      expect(seen.has(k), k).to.equal(false);
      seen.add(k);
    }
    expect(seen.size).to.be.greaterThan(30);
  });

  it('answers each route of the table with 401, 403 or a result as its role requires', async () => {
    const wrong: string[] = [];
    for (const r of h.api.routes) {
      for (const caller of CALLERS) {
        const status = await call(r.method, concrete(r.path), caller);
        const want = expected(r.access, caller);
        const ok = want === 'allowed' ? status !== 401 && status !== 403 && status < 500 : status === want;
        if (!ok) wrong.push(`${r.method.toUpperCase()} ${r.path} as ${caller}: ${status}, expected ${want}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('guards every route of the hosts router and the Prometheus API with the gate', async () => {
    const wrong: string[] = [];
    let routes = 0;
    for (const router of h.otherRouters) {
      for (const layer of router.stack) {
        for (const method of layer.methods.filter((m) => m !== 'HEAD')) {
          routes++;
          const access = gateAccess(method, concrete(String(layer.path)), []);
          expect(access, `${method} ${layer.path}`).to.not.equal('public');
          for (const caller of CALLERS) {
            const status = await call(method.toLowerCase(), concrete(String(layer.path)), caller);
            const want = expected(access, caller);
            if (want === 'allowed' ? status === 401 || status === 403 || status >= 500 : status !== want) wrong.push(`${method} ${layer.path} as ${caller}: ${status}, expected ${want}`);
          }
        }
      }
    }
    expect(routes).to.be.greaterThan(15);
    expect(wrong).to.deep.equal([]);
  });

  it('lists the hosts routes in the OpenAPI document', () => {
    expect(EXTRA_PATHS.filter((x) => x.tag === 'hosts').map((x) => x.path)).to.have.members(['/api/v1/hosts', '/api/v1/hosts/:instance', '/api/v1/containers']);
  });

  it('needs viewer for the Prometheus API reads (GET and Grafana-style POST) and editor for its other writes', () => {
    expect(gateAccess('GET', '/prometheus/api/v1/query', [])).to.equal('viewer');
    expect(gateAccess('POST', '/prometheus/api/v1/query_range', [])).to.equal('viewer');
    expect(gateAccess('POST', '/prometheus/api/v1/label/job/values', [])).to.equal('viewer');
    expect(gateAccess('POST', '/prometheus/api/v1/admin/tsdb/delete_series', [])).to.equal('editor');
    expect(gateAccess('GET', '/', [])).to.equal('public');
    expect(gateAccess('GET', '/metrics', [])).to.equal('public');
  });

  it('answers a Prometheus query for a viewer key and refuses it without credentials', async () => {
    await h.agent().get('/prometheus/api/v1/query?query=up').expect(401);
    const res = await h.agent().get('/prometheus/api/v1/query?query=up').set('Authorization', `Bearer ${keys.viewer}`).expect(200);
    expect(res.body.status).to.equal('success');
  });
});

describe('auth: anonymous read-only access', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => { h = await startHarness({ anonymousRole: 'viewer' }); });
  after(async () => { await h?.close(); });

  it('lets a caller without credentials read', async () => {
    const res = await h.agent().get('/api/v1/targets').expect(200);
    expect(res.body.targets).to.be.an('array');
  });

  it('still refuses a caller without credentials a change', async () => {
    const res = await h.agent().post('/api/v1/silences').send({ matchers: [{ name: 'a', value: 'b', isRegex: false }], endsAt: new Date(Date.now() + 60_000).toISOString() }).expect(403);
    expect(res.body.error.code).to.equal('forbidden');
  });

  it('refuses a wrong API key instead of falling back to anonymous', async () => {
    await h.agent().get('/api/v1/targets').set('Authorization', 'Bearer hlm_not-a-key').expect(401);
  });
});
