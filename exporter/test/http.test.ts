import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { gunzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { createExporter, loadWebConfig, MemoryLogger, parseWebConfig, WebConfigError, type Exporter, type ListeningServer } from '@hlmon/exporter';
import { tempDir } from './helpers.js';

function exporterWith(extra: Parameters<typeof createExporter>[0] = {}): Exporter {
  return createExporter({ disableDefaults: true, collectors: { loadavg: true, meminfo: true }, logger: new MemoryLogger(), platform: 'linux', ...extra });
}

describe('exporter HTTP endpoint', () => {
  let exporter: Exporter;
  let server: ListeningServer;
  before(async () => {
    exporter = exporterWith();
    server = await exporter.listen('127.0.0.1', 0);
  });
  after(() => exporter.stop());

  it('serves /metrics with node_exporter\'s exact Content-Type', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).to.match(/^node_load1 \d/m);
  });

  it('gzips the body when the client accepts gzip', async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).to.equal('gzip');
    // fetch decompresses transparently; the body must still be the exposition text.
    expect(await res.text()).to.contain('# TYPE node_load1 gauge');
  });

  it('sends a real gzip stream that gunzip accepts', async () => {
    const { request } = await import('node:http');
    const body = await new Promise<Buffer>((resolve, reject) => {
      request(`${server.url}/metrics`, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject).end();
    });
    expect(gunzipSync(body).toString()).to.contain('node_scrape_collector_success{collector="loadavg"} 1');
  });

  it('serves OpenMetrics when Prometheus negotiates it', async () => {
    const accept = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    const res = await fetch(`${server.url}/metrics`, { headers: { Accept: accept } });
    expect(res.headers.get('content-type')).to.equal('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const text = await res.text();
    expect(text.endsWith('# EOF\n')).to.equal(true);
    expect(text).to.contain('# TYPE hlmon_exporter_process_cpu_seconds counter');
  });

  it('serves a landing page at / that links to the metrics', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(await res.text()).to.contain('href="/metrics"').and.contain('<li>loadavg</li>');
  });

  it('answers 404 for unknown paths and 405 for POST', async () => {
    expect((await fetch(`${server.url}/nope`)).status).to.equal(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).to.equal(405);
  });

  it('exports its own process metrics under hlmon_exporter_, never process_*', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).to.match(/^hlmon_exporter_process_resident_memory_bytes \d+/m);
    expect(text).not.to.match(/^process_/m);
  });
});

describe('web config (exporter-toolkit format)', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => { dir = tempDir('webconfig'); });
  afterEach(() => dir.remove());

  it('requires basic auth when basic_auth_users is set and accepts the right password', async () => {
    const hash = bcrypt.hashSync('s3cret', 4);
    writeFileSync(`${dir.path}/web.yml`, `basic_auth_users:\n  prometheus: ${hash}\n`);
    const exporter = exporterWith({ webConfig: loadWebConfig(`${dir.path}/web.yml`) });
    const server = await exporter.listen('127.0.0.1', 0);
    try {
      const anonymous = await fetch(`${server.url}/metrics`);
      expect(anonymous.status).to.equal(401);
      expect(anonymous.headers.get('www-authenticate')).to.equal('Basic');
      const wrong = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Basic ${Buffer.from('prometheus:nope').toString('base64')}` } });
      expect(wrong.status).to.equal(401);
      const right = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Basic ${Buffer.from('prometheus:s3cret').toString('base64')}` } });
      expect(right.status).to.equal(200);
    } finally {
      await exporter.stop();
    }
  });

  it('serves HTTPS with the configured certificate', async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', `${dir.path}/key.pem`, '-out', `${dir.path}/cert.pem`], { stdio: 'ignore' });
    writeFileSync(`${dir.path}/web.yml`, `tls_server_config:\n  cert_file: ${dir.path}/cert.pem\n  key_file: ${dir.path}/key.pem\n`);
    const exporter = exporterWith({ webConfig: loadWebConfig(`${dir.path}/web.yml`) });
    const server = await exporter.listen('127.0.0.1', 0);
    try {
      expect(server.url.startsWith('https://')).to.equal(true);
      const ca = readFileSync(`${dir.path}/cert.pem`);
      const status = await new Promise<number>((resolve, reject) => {
        httpsRequest(`${server.url}/metrics`, { ca, checkServerIdentity: () => undefined }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject).end();
      });
      expect(status).to.equal(200);
    } finally {
      await exporter.stop();
    }
  });

  it('rejects an unknown key with the file name in the message', () => {
    expect(() => parseWebConfig('tls_config:\n  cert_file: a\n', '/etc/web.yml')).to.throw(WebConfigError, '/etc/web.yml: unknown key "tls_config"');
  });

  it('rejects a plain-text password where a bcrypt hash is required', () => {
    expect(() => parseWebConfig('basic_auth_users:\n  admin: hunter2\n', 'web.yml')).to.throw(WebConfigError, /basic_auth_users.admin is not a bcrypt hash/);
  });

  it('rejects TLS settings without a key file', () => {
    expect(() => parseWebConfig('tls_server_config:\n  cert_file: c.pem\n', 'web.yml')).to.throw(WebConfigError, /needs both cert_file and key_file/);
  });
});
