import { expect } from 'chai';
import Koa from 'koa';
import request from 'supertest';
import { ManualClock } from '@hlmon/model';
import { sharedGetCache, DASHBOARD_PATHS } from '@hlmon/api';

describe('v1: the shared cache of dashboard reads', () => {
  function app(clock: ManualClock, status = 200) {
    const calls = { n: 0 };
    const k = new Koa();
    k.use(sharedGetCache({ pattern: DASHBOARD_PATHS, ttlMs: 2000, clock }));
    k.use(async (ctx) => {
      calls.n++;
      await new Promise((r) => setTimeout(r, 20));
      ctx.status = status;
      ctx.body = { n: calls.n };
    });
    return { server: request(k.callback()), calls };
  }

  it('computes concurrent identical requests once', async () => {
    const { server, calls } = app(new ManualClock(0));
    const answers = await Promise.all(Array.from({ length: 10 }, () => server.get('/api/v1/hosts').expect(200)));
    expect(calls.n).to.equal(1);
    expect(answers.map((a) => a.body.n)).to.deep.equal(Array(10).fill(1));
  });

  it('computes again once the answer is older than its lifetime', async () => {
    const clock = new ManualClock(0);
    const { server, calls } = app(clock);
    await server.get('/api/v1/containers').expect(200);
    clock.advance(1999);
    await server.get('/api/v1/containers').expect(200);
    expect(calls.n).to.equal(1);
    clock.advance(1);
    expect((await server.get('/api/v1/containers').expect(200)).body.n).to.equal(2);
  });

  it('keeps different query strings apart', async () => {
    const { server, calls } = app(new ManualClock(0));
    await server.get('/api/v1/hosts?job=a').expect(200);
    await server.get('/api/v1/hosts?job=b').expect(200);
    expect(calls.n).to.equal(2);
  });

  it('does not cache other routes or failed answers', async () => {
    const { server, calls } = app(new ManualClock(0));
    await server.get('/api/v1/targets');
    await server.get('/api/v1/targets');
    expect(calls.n).to.equal(2);
    const failing = app(new ManualClock(0), 503);
    await failing.server.get('/api/v1/hosts').expect(503);
    await failing.server.get('/api/v1/hosts').expect(503);
    expect(failing.calls.n).to.equal(2);
  });

  it('forgets every answer after a change made through the API, so its caller reads the new state', async () => {
    const { server, calls } = app(new ManualClock(0));
    await server.get('/api/v1/alerts').expect(200);
    await server.get('/api/v1/alerts').expect(200);
    expect(calls.n).to.equal(1);
    await server.post('/api/v1/silences').send({});
    const after = await server.get('/api/v1/alerts').expect(200);
    expect(after.body.n).to.equal(3);
  });
});
