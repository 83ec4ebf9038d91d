import { execFileSync } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import { expect } from 'chai';
import { createTlsServer } from '@hlmon/api';
import { tempDir, type TempDir } from '@hlmon/testkit';
import { startHarness, type Harness } from './v1-harness.js';

/** A self-signed certificate for 127.0.0.1 made by the machine's openssl. */
function makeCert(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

/** The CN of the certificate the server presents. */
function presentedName(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(String(s.getPeerCertificate().subject.CN));
      s.end();
    });
    s.on('error', reject);
  });
}

describe('TLS on the server port', function () {
  this.timeout(30_000);
  let dir: TempDir;
  before(async () => { dir = await tempDir('hlmon-tls-'); });
  after(async () => { await dir?.remove(); });

  it('serves the certificate from its files and picks up a renewed one without a restart', async () => {
    const a = makeCert(dir.path, 'first');
    const b = makeCert(dir.path, 'second');
    const certFile = path.join(dir.path, 'server.crt');
    const keyFile = path.join(dir.path, 'server.key');
    await copyFile(a.cert, certFile);
    await copyFile(a.key, keyFile);
    const t = createTlsServer({ certFile, keyFile, pollMs: 0 }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
    const port = (t.server.address() as { port: number }).port;
    try {
      expect(await presentedName(port)).to.equal('first');
      await copyFile(b.cert, certFile);
      await copyFile(b.key, keyFile);
      t.reload();
      expect(await presentedName(port)).to.equal('second');
    } finally {
      t.unwatch();
      await new Promise<void>((r) => t.server.close(() => r()));
    }
  });

  it('notices renewed files by itself', async () => {
    const a = makeCert(dir.path, 'before');
    const b = makeCert(dir.path, 'after');
    const certFile = path.join(dir.path, 'watched.crt');
    const keyFile = path.join(dir.path, 'watched.key');
    await copyFile(a.cert, certFile);
    await copyFile(a.key, keyFile);
    const errors: Error[] = [];
    const t = createTlsServer({ certFile, keyFile, pollMs: 50 }, (_req, res) => res.end('ok'), (e) => errors.push(e));
    await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
    const port = (t.server.address() as { port: number }).port;
    try {
      // A renewal tool writes the key first, then the certificate; in between the pair does not match.
      await new Promise((r) => setTimeout(r, 1100));
      await copyFile(b.key, keyFile);
      await copyFile(b.cert, certFile);
      let name = '';
      for (let i = 0; i < 100 && name !== 'after'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        name = await presentedName(port);
      }
      expect(name).to.equal('after');
    } finally {
      t.unwatch();
      await new Promise<void>((r) => t.server.close(() => r()));
    }
  });

  it('keeps the old certificate when the new pair does not match', async () => {
    const a = makeCert(dir.path, 'one');
    const b = makeCert(dir.path, 'two');
    const certFile = path.join(dir.path, 'mixed.crt');
    const keyFile = path.join(dir.path, 'mixed.key');
    await copyFile(a.cert, certFile);
    await copyFile(a.key, keyFile);
    const t = createTlsServer({ certFile, keyFile, pollMs: 0 }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
    const port = (t.server.address() as { port: number }).port;
    try {
      await copyFile(b.cert, certFile);
      expect(() => t.reload()).to.throw(/mixed\.crt/);
      expect(await presentedName(port)).to.equal('one');
      expect(await readFile(certFile, 'utf8')).to.include('BEGIN CERTIFICATE');
    } finally {
      t.unwatch();
      await new Promise<void>((r) => t.server.close(() => r()));
    }
  });
});

describe('CORS allow-list', function () {
  this.timeout(60_000);
  let h: Harness;
  before(async () => { h = await startHarness({ allowedOrigins: ['https://dash.example'] }); });
  after(async () => { await h?.close(); });

  it('answers a preflight from an allowed origin with the methods and the CSRF header', async () => {
    const res = await h.agent().options('/api/v1/silences').set('Origin', 'https://dash.example').set('Access-Control-Request-Method', 'POST').expect(204);
    expect(res.headers['access-control-allow-origin']).to.equal('https://dash.example');
    expect(res.headers['access-control-allow-credentials']).to.equal('true');
    expect(res.headers['access-control-allow-headers']).to.include('X-Requested-With');
  });

  it('gives no CORS headers to an origin not on the list', async () => {
    const res = await h.agent().options('/api/v1/silences').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(res.headers).to.not.have.property('access-control-allow-origin');
  });

  it('accepts a cookie-authenticated change from an allowed origin', async () => {
    const a = await h.admin();
    await a.post('/api/v1/keys').set('X-Requested-With', 'x').set('Origin', 'https://dash.example').send({ name: 'from-dash', role: 'viewer' }).expect(201);
  });
});
