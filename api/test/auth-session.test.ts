import { expect } from 'chai';
import { ManualClock } from '@hlmon/model';
import { ADMIN, startHarness, type Harness } from './v1-harness.js';

describe('auth: first-run setup, sessions, CSRF and login rate limiting', function () {
  this.timeout(60_000);
  let h: Harness;
  const clock = new ManualClock(Date.now());
  before(async () => {
    h = await startHarness({ clock, loginLimits: { maxPerAddress: 8, maxPerUser: 3, windowMs: 60_000 } });
  });
  after(async () => { await h?.close(); });

  it('reports that setup is needed while no user exists', async () => {
    const res = await h.agent().get('/api/v1/setup').expect(200);
    expect(res.body).to.deep.equal({ needed: true });
  });

  it('creates the first admin once and refuses a second setup', async () => {
    const first = await h.agent().post('/api/v1/setup').send(ADMIN).expect(201);
    expect(first.body.user).to.include({ username: 'admin', role: 'admin' });
    const second = await h.agent().post('/api/v1/setup').send({ username: 'mallory', password: 'another long password' }).expect(409);
    expect(second.body.error.code).to.equal('setup_done');
    expect((await h.agent().get('/api/v1/setup')).body).to.deep.equal({ needed: false });
  });

  it('stores the password as a salted scrypt hash, never in the clear', async () => {
    const { rows } = await h.test.store.sql('SELECT password_hash FROM api_users WHERE username = $1', ['admin']);
    const hash = String(rows[0]!['password_hash']);
    expect(hash).to.match(/^scrypt\$32768\$8\$1\$/);
    expect(hash).to.not.include(ADMIN.password);
  });

  it('rejects a wrong password with 401', async () => {
    const res = await h.agent().post('/api/v1/session').send({ username: 'admin', password: 'wrong password!' }).expect(401);
    expect(res.body.error.code).to.equal('unauthorized');
  });

  it('sets an HttpOnly SameSite=Strict session cookie at login that authenticates later requests', async () => {
    const a = h.agent();
    const res = await a.post('/api/v1/session').send(ADMIN).expect(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).to.match(/hlmon_session=[A-Za-z0-9_-]{43};/);
    expect(cookie.toLowerCase()).to.include('httponly').and.include('samesite=strict');
    const me = await a.get('/api/v1/session').expect(200);
    expect(me.body).to.deep.include({ role: 'admin', kind: 'session' });
    expect(me.body.user.username).to.equal('admin');
  });

  it('rejects an unsafe request by cookie without the CSRF header', async () => {
    const a = h.agent();
    await a.post('/api/v1/session').send(ADMIN).expect(200);
    const res = await a.post('/api/v1/keys').send({ name: 'forged', role: 'admin' }).expect(403);
    expect(res.body.error.code).to.equal('csrf');
    const keys = await a.get('/api/v1/keys').expect(200);
    expect(keys.body.keys.map((k: { name: string }) => k.name)).to.not.include('forged');
  });

  it('rejects an unsafe request by cookie from a foreign origin even with the header', async () => {
    const a = h.agent();
    await a.post('/api/v1/session').send(ADMIN).expect(200);
    const res = await a.post('/api/v1/keys').set('X-Requested-With', 'x').set('Origin', 'https://evil.example').send({ name: 'forged', role: 'admin' }).expect(403);
    expect(res.body.error.code).to.equal('csrf');
  });

  it('ends the session at logout so the cookie no longer works', async () => {
    const a = h.agent();
    const login = await a.post('/api/v1/session').send(ADMIN).expect(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    await a.delete('/api/v1/session').set('X-Requested-With', 'x').expect(204);
    await h.agent().get('/api/v1/session').set('Cookie', cookie).expect(401);
  });

  it('answers 429 with Retry-After after too many failed logins for one user, even with the right password', async () => {
    for (let i = 0; i < 3; i++) await h.agent().post('/api/v1/session').send({ username: 'victim', password: 'guess number ' + i }).expect(401);
    const res = await h.agent().post('/api/v1/session').send({ username: 'victim', password: 'guess number 4' }).expect(429);
    expect(Number(res.headers['retry-after'])).to.be.greaterThan(0);
  });

  it('lets a user log in again once the rate-limit window has passed', async () => {
    clock.advance(61_000);
    await h.agent().post('/api/v1/session').send({ username: 'victim', password: 'guess again!' }).expect(401);
  });

  it('limits failed logins per client address across usernames', async () => {
    clock.advance(61_000);
    for (let i = 0; i < 8; i++) await h.agent().post('/api/v1/session').send({ username: `user${i}`, password: 'some password' }).expect(401);
    await h.agent().post('/api/v1/session').send({ username: 'someone-else', password: 'some password' }).expect(429);
    clock.advance(61_000);
  });

  it('expires sessions after their lifetime', async () => {
    const a = h.agent();
    await a.post('/api/v1/session').send(ADMIN).expect(200);
    clock.advance(8 * 86_400_000);
    await a.get('/api/v1/session').expect(401);
  });

  it('never writes a password, cookie or key to the log', async () => {
    const text = h.logs.join('\n');
    expect(text).to.not.include(ADMIN.password);
    expect(text).to.not.match(/hlm_[A-Za-z0-9_-]{20}/);
    expect(text).to.not.include('hlmon_session=');
  });
});
