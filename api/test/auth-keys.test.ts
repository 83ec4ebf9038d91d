import { expect } from 'chai';
import { startHarness, type Harness } from './v1-harness.js';

describe('auth: API key lifecycle', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h?.close(); });

  it('shows the secret once at creation and never in the list', async () => {
    const admin = await h.admin();
    const created = await admin.post('/api/v1/keys').set('X-Requested-With', 'x').send({ name: 'grafana', role: 'viewer' }).expect(201);
    expect(created.body.secret).to.match(/^hlm_[A-Za-z0-9_-]{43}$/);
    const list = await admin.get('/api/v1/keys').expect(200);
    expect(JSON.stringify(list.body)).to.not.include(created.body.secret);
    expect(list.body.keys.find((k: { id: number }) => k.id === created.body.key.id)).to.include({ name: 'grafana', role: 'viewer', lastUsedMs: null });
  });

  it('stores only a hash of the key', async () => {
    const secret = await h.key('viewer');
    const { rows } = await h.test.store.sql('SELECT secret_hash FROM api_keys');
    for (const r of rows) expect(String(r['secret_hash'])).to.match(/^[0-9a-f]{64}$/).and.not.equal(secret);
  });

  it('authenticates with the role it was scoped to', async () => {
    const viewer = await h.key('viewer');
    await h.agent().get('/api/v1/targets').set('Authorization', `Bearer ${viewer}`).expect(200);
    const res = await h.agent().post('/api/v1/checks').set('Authorization', `Bearer ${viewer}`).send({ name: 'x', type: 'tcp', target: 'localhost:1' }).expect(403);
    expect(res.body.error.message).to.include('editor');
  });

  it('records when a key was last used', async () => {
    const admin = await h.admin();
    const created = await admin.post('/api/v1/keys').set('X-Requested-With', 'x').send({ name: 'used', role: 'viewer' }).expect(201);
    await h.agent().get('/api/v1/rules').set('Authorization', `Bearer ${created.body.secret}`).expect(200);
    const list = await admin.get('/api/v1/keys').expect(200);
    const key = list.body.keys.find((k: { id: number }) => k.id === created.body.key.id);
    expect(key.lastUsedMs).to.be.a('number');
  });

  it('stops working when revoked', async () => {
    const admin = await h.admin();
    const created = await admin.post('/api/v1/keys').set('X-Requested-With', 'x').send({ name: 'temp', role: 'editor' }).expect(201);
    const auth = `Bearer ${created.body.secret}`;
    await h.agent().get('/api/v1/targets').set('Authorization', auth).expect(200);
    await admin.delete(`/api/v1/keys/${created.body.key.id}`).set('X-Requested-With', 'x').expect(204);
    const res = await h.agent().get('/api/v1/targets').set('Authorization', auth).expect(401);
    expect(res.body.error.message).to.include('revoked');
    const list = await admin.get('/api/v1/keys').expect(200);
    expect(list.body.keys.find((k: { id: number }) => k.id === created.body.key.id).revokedAtMs).to.be.a('number');
  });

  it('does not need the CSRF header, since a browser never sends a key on its own', async () => {
    const editor = await h.key('editor');
    await h.agent().put('/api/v1/status-pages/home').set('Authorization', `Bearer ${editor}`).send({ title: 'Home', checks: ['site'] }).expect(200);
  });
});

describe('auth: users', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h?.close(); });

  it('creates a user who can log in with their role', async () => {
    const admin = await h.admin();
    await admin.post('/api/v1/users').set('X-Requested-With', 'x').send({ username: 'ed', password: 'editor password', role: 'editor' }).expect(201);
    const ed = h.agent();
    const res = await ed.post('/api/v1/session').send({ username: 'ed', password: 'editor password' }).expect(200);
    expect(res.body.user.role).to.equal('editor');
    await ed.get('/api/v1/users').expect(403);
  });

  it('refuses a duplicate username with 409 naming the field', async () => {
    const admin = await h.admin();
    const res = await admin.post('/api/v1/users').set('X-Requested-With', 'x').send({ username: 'admin', password: 'whatever password', role: 'viewer' }).expect(409);
    expect(res.body.error.details.field).to.equal('body.username');
  });

  it('refuses to demote the last admin', async () => {
    const admin = await h.admin();
    const me = await admin.get('/api/v1/session').expect(200);
    const res = await admin.patch(`/api/v1/users/${me.body.user.id}`).set('X-Requested-With', 'x').send({ role: 'viewer' }).expect(409);
    expect(res.body.error.code).to.equal('last_admin');
  });

  it("ends a user's sessions when their password changes", async () => {
    const admin = await h.admin();
    const created = await admin.post('/api/v1/users').set('X-Requested-With', 'x').send({ username: 'vi', password: 'viewer password', role: 'viewer' }).expect(201);
    const vi = h.agent();
    await vi.post('/api/v1/session').send({ username: 'vi', password: 'viewer password' }).expect(200);
    await admin.patch(`/api/v1/users/${created.body.user.id}`).set('X-Requested-With', 'x').send({ password: 'a new password' }).expect(200);
    await vi.get('/api/v1/session').expect(401);
  });
});
