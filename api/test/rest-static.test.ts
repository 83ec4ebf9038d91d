import { expect } from 'chai';
import request from 'supertest';
import { gzipSync } from 'node:zlib';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { createApp, webuiRouter } from '@hlmon/api';

describe('static serving of the web UI', () => {
  let dir: string;
  let server: ReturnType<typeof request>;
  const js = 'console.log("hello from the bundle");\n'.repeat(20);

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-static-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>hlmon</title>');
    await writeFile(path.join(dir, 'assets', 'main-AB12CD34.js'), js);
    await writeFile(path.join(dir, 'assets', 'main-AB12CD34.js.gz'), gzipSync(js));
    await writeFile(path.join(dir, 'manifest.webmanifest'), '{"name":"hlmon"}');
    await writeFile(path.join(dir, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    // A file outside the dist folder that traversal must never reach.
    await writeFile(path.join(dir, '..', path.basename(dir) + '-secret.txt'), 'TOP-SECRET-CONTENT');
    const app = createApp({ registry: new Registry(), ready: () => true, routers: [webuiRouter(dir)], log: () => {} });
    server = request(app.callback());
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(path.join(dir, '..', path.basename(dir) + '-secret.txt'), { force: true });
  });

  it('serves index.html at / with an HTML content type and no long cache', async () => {
    const res = await server.get('/').expect(200);
    expect(res.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(res.headers['cache-control']).to.equal('no-cache');
    expect(res.text).to.contain('<title>hlmon</title>');
  });

  it('serves the precompressed copy of a hashed asset to a gzip client, cached for a year', async () => {
    // supertest inflates the body itself, so the header says it was sent compressed and the text that it was right.
    const res = await server.get('/assets/main-AB12CD34.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).to.equal('gzip');
    expect(res.headers['content-type']).to.equal('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).to.equal('public, max-age=31536000, immutable');
    expect(res.headers['vary']).to.contain('Accept-Encoding');
    expect(res.text).to.equal(js);
  });

  it('serves the plain file to a client that does not accept gzip', async () => {
    const res = await server.get('/assets/main-AB12CD34.js').set('Accept-Encoding', 'identity').expect(200);
    expect(res.headers['content-encoding']).to.equal(undefined);
    expect(res.text).to.equal(js);
  });

  it('answers a matching ETag with 304', async () => {
    const first = await server.get('/manifest.webmanifest').expect(200);
    expect(first.headers['content-type']).to.equal('application/manifest+json; charset=utf-8');
    await server.get('/manifest.webmanifest').set('If-None-Match', first.headers['etag']!).expect(304);
  });

  it('serves SVG icons as image/svg+xml', async () => {
    const res = await server.get('/icon.svg').expect(200);
    expect(res.headers['content-type']).to.equal('image/svg+xml');
  });

  it('answers a client-side route with index.html', async () => {
    const res = await server.get('/hosts/alpha:9100').query({ range: '1h' }).expect(200);
    expect(res.text).to.contain('<title>hlmon</title>');
  });

  it('answers a missing asset with a JSON 404, not the page', async () => {
    const res = await server.get('/assets/missing-ZZZZZZZZ.js').expect(404);
    expect(res.body.error.code).to.equal('not_found');
  });

  for (const p of ['/api/v1/nothing', '/prometheus/api/v1/nothing', '/-/nothing']) {
    it(`never answers the server path ${p} with the page`, async () => {
      const res = await server.get(p).expect(404);
      expect(res.body.error.code).to.equal('not_found');
    });
  }

  it('does not serve files outside the dist folder through encoded dot-dot segments', async () => {
    const secret = `/..%2f${path.basename(dir)}-secret.txt`;
    const res = await server.get(secret).expect(404);
    expect(res.text).to.not.contain('TOP-SECRET-CONTENT');
  });

  it('does not serve files outside the dist folder through a raw dot-dot path', async () => {
    const res = await server.get(`/../${path.basename(dir)}-secret.txt`).expect(404);
    expect(res.text).to.not.contain('TOP-SECRET-CONTENT');
  });
});
