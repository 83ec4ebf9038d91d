import { expect } from 'chai';
import { startHarness, type Harness } from './v1-harness.js';

describe('v1: input validation and JSON errors', function () {
  this.timeout(60_000);
  let h: Harness;
  let admin: string;
  before(async () => {
    h = await startHarness();
    admin = `Bearer ${await h.key('admin')}`;
  });
  after(async () => { await h?.close(); });

  const field = (res: { body: { error: { details: { field: string } } } }) => res.body.error.details.field;

  it('names a body field with a value outside its enum', async () => {
    const res = await h.agent().post('/api/v1/users').set('Authorization', admin).send({ username: 'u', password: 'long enough pw', role: 'root' }).expect(400);
    expect(res.body.error.code).to.equal('bad_request');
    expect(field(res)).to.equal('body.role');
  });

  it('names a nested body field', async () => {
    const res = await h.agent().post('/api/v1/silences').set('Authorization', admin)
      .send({ matchers: [{ name: 'job', value: 'x', isRegex: 'no' }], endsAt: new Date(Date.now() + 60_000).toISOString() }).expect(400);
    expect(field(res)).to.equal('body.matchers.0.isRegex');
  });

  it('names an unknown body field', async () => {
    const res = await h.agent().post('/api/v1/keys').set('Authorization', admin).send({ name: 'k', role: 'viewer', scope: 'all' }).expect(400);
    expect(field(res)).to.equal('body.scope');
  });

  it('names a missing body field', async () => {
    const res = await h.agent().post('/api/v1/checks').set('Authorization', admin).send({ type: 'http', target: 'http://x/' }).expect(400);
    expect(field(res)).to.equal('body.name');
  });

  it('answers malformed JSON with 400 naming the body', async () => {
    const res = await h.agent().post('/api/v1/keys').set('Authorization', admin).set('Content-Type', 'application/json').send('{"name": ').expect(400);
    expect(field(res)).to.equal('body');
    expect(res.body.error.message).to.include('invalid JSON');
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await h.agent().post('/api/v1/keys').set('Authorization', admin).set('Content-Type', 'text/plain').send('name=k').expect(415);
    expect(res.body.error.code).to.equal('unsupported_media_type');
  });

  it('answers a body over the size limit with 413', async () => {
    const res = await h.agent().post('/api/v1/config/validate').set('Authorization', admin).send({ yaml: 'x'.repeat(1_100_000) }).expect(413);
    expect(res.body.error.code).to.equal('payload_too_large');
  });

  it('names a query parameter with a bad value', async () => {
    const res = await h.agent().get('/api/v1/alerts?state=burning').set('Authorization', admin).expect(400);
    expect(field(res)).to.equal('query.state');
  });

  it('names an unknown query parameter', async () => {
    const res = await h.agent().get('/api/v1/alerts?colour=red').set('Authorization', admin).expect(400);
    expect(field(res)).to.equal('query.colour');
  });

  it('names a repeated query parameter', async () => {
    const res = await h.agent().get('/api/v1/alerts?state=firing&state=pending').set('Authorization', admin).expect(400);
    expect(field(res)).to.equal('query.state');
  });

  it('names a bad path parameter', async () => {
    const res = await h.agent().delete('/api/v1/keys/abc').set('Authorization', admin).expect(400);
    expect(field(res)).to.equal('params.id');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await h.agent().get('/api/v1/nothing-here').set('Authorization', admin).expect(404);
    expect(res.body.error.code).to.equal('not_found');
  });

  it('answers a wrong method with a JSON 405', async () => {
    const res = await h.agent().patch('/api/v1/keys').set('Authorization', admin).send({}).expect(405);
    expect(res.body.error.code).to.equal('method_not_allowed');
  });

  it('sets the security headers on API answers', async () => {
    const res = await h.agent().get('/api/v1/targets').set('Authorization', admin).expect(200);
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['x-frame-options']).to.equal('DENY');
  });
});
