import { expect } from 'chai';
import request from 'supertest';
import { Registry } from 'prom-client';
import { Router } from '@koa/router';
import { QueryTimeoutError, ConnectionError } from '@hlmon/store';
import { createApp } from '@hlmon/api';

describe('app error handling', () => {
  const logged: string[] = [];
  const router = new Router();
  router.get('/api/v1/pool', () => { throw new Error('reading hosts', { cause: new QueryTimeoutError('timed out waiting for a database connection') }); });
  router.get('/api/v1/down', () => { throw new ConnectionError('cannot connect to PostgreSQL at 127.0.0.1:5432: connection refused'); });
  router.get('/api/v1/bug', () => { throw new TypeError('secret internals'); });
  const app = createApp({ registry: new Registry(), ready: () => true, routers: [router], log: (l) => logged.push(l) }).callback();

  it('answers 503 with Retry-After when the database pool is exhausted or the database is down', async () => {
    for (const path of ['/api/v1/pool', '/api/v1/down']) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(503);
      expect(res.headers['retry-after']).to.equal('1');
      expect(res.body.error.code).to.equal('unavailable');
    }
    expect(logged).to.deep.equal([]);
  });

  it('hides a server fault behind a generic 500 and logs it', async () => {
    const res = await request(app).get('/api/v1/bug');
    expect(res.status).to.equal(500);
    expect(JSON.stringify(res.body)).to.not.contain('secret');
    expect(logged.some((l) => l.includes('secret internals'))).to.equal(true);
  });
});
