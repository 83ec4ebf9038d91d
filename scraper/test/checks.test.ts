import { expect } from 'chai';
import https from 'node:https';
import net from 'node:net';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { isStaleNaN, systemClock } from '@hlmon/model';
import { type CheckConfig, parseConfig, PROBES } from '@hlmon/scraper';
import { CheckRunner } from '../src/checks/check-runner.js';
import { CollectingSink } from './helpers/collecting-sink.js';
import { freePort } from './helpers/processes.js';
import { startServer, type TestServer } from './helpers/servers.js';
import { expiredCert, validCert } from './helpers/tls.js';

function check(yaml: string): CheckConfig {
  const r = parseConfig(`checks:\n  - ${yaml}\n`, 't.yml', { env: {} });
  if (r.errors) throw new Error(r.errors.map((e) => `${e.key}: ${e.message}`).join('; '));
  return r.config.checks[0]!;
}

async function runCheck(yaml: string): Promise<{ sink: CollectingSink; error: string; runner: CheckRunner }> {
  const c = check(yaml);
  const sink = new CollectingSink();
  const runner = new CheckRunner(c, PROBES[c.type], sink, systemClock);
  const state = await runner.run();
  return { sink, error: state.lastError, runner };
}

async function httpsServer(cert: { key: Buffer; cert: Buffer }): Promise<{ address: string; close(): void }> {
  const server = https.createServer(cert, (_req, res) => res.end('secure hello'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => { server.closeAllConnections(); server.close(); } };
}

describe('http checks', () => {
  let web: TestServer;
  before(async () => {
    web = await startServer((req, res) => {
      if (req.url === '/redirect') { res.statusCode = 302; res.setHeader('location', '/'); res.end(); return; }
      if (req.url === '/broken') { res.statusCode = 500; res.end('boom'); return; }
      if (req.url === '/slow') { setTimeout(() => res.end('late'), 2000).unref(); return; }
      if (req.url === '/echo') { let b = ''; req.on('data', (d) => (b += d)); req.on('end', () => res.end(`${req.method} ${req.headers['x-probe']} ${b}`)); return; }
      res.end('welcome to the NAS');
    });
  });
  after(() => web.close());

  it('succeeds and writes blackbox_exporter series with job, check and instance labels', async () => {
    const { sink, error } = await runCheck(`{ name: web, type: http, target: "http://${web.address}/", labels: { team: home } }`);
    expect(error).to.equal('');
    expect(sink.value('probe_success')).to.equal(1);
    expect(sink.value('probe_http_status_code')).to.equal(200);
    expect(sink.value('probe_http_ssl')).to.equal(0);
    const phases = sink.last().filter((s) => s.labels.metricName === 'probe_http_duration_seconds').map((s) => s.labels.get('phase')).sort();
    expect(phases).to.deep.equal(['connect', 'processing', 'resolve', 'tls', 'transfer']);
    expect(sink.last()[0]!.labels.toObject()).to.deep.equal({ __name__: 'probe_success', check: 'web', instance: `http://${web.address}/`, job: 'check', team: 'home' });
  });

  it('fails on an unexpected status with the status in the reason', async () => {
    const { sink, error } = await runCheck(`{ name: web, type: http, target: "http://${web.address}/broken" }`);
    expect(error).to.equal('HTTP status 500 is not 2xx');
    expect(sink.value('probe_success')).to.equal(0);
    expect(sink.value('probe_failure_info', { reason: 'HTTP status 500 is not 2xx' })).to.equal(1);
  });

  it('accepts listed status codes', async () => {
    const { error } = await runCheck(`{ name: web, type: http, target: "http://${web.address}/broken", http: { valid_status_codes: [500] } }`);
    expect(error).to.equal('');
  });

  it('fails when the keyword is missing and sets probe_failed_due_to_regex', async () => {
    const { sink, error } = await runCheck(`{ name: web, type: http, target: "http://${web.address}/", http: { keyword: "router" } }`);
    expect(error).to.equal('body does not contain keyword "router"');
    expect(sink.value('probe_failed_due_to_regex')).to.equal(1);
  });

  it('fails an inverted regex that matches', async () => {
    const { error } = await runCheck(`{ name: web, type: http, target: "http://${web.address}/", http: { regex: "N.S", invert: true } }`);
    expect(error).to.equal('body contains regex /N.S/ (invert)');
  });

  it('follows redirects and counts them', async () => {
    const { sink, error } = await runCheck(`{ name: web, type: http, target: "http://${web.address}/redirect" }`);
    expect(error).to.equal('');
    expect(sink.value('probe_http_redirects')).to.equal(1);
  });

  it('sends the method, headers and body', async () => {
    const { error } = await runCheck(`{ name: web, type: http, target: "http://${web.address}/echo", http: { method: POST, headers: { x-probe: yes }, body: ping, keyword: "POST yes ping" } }`);
    expect(error).to.equal('');
  });

  it('times out a slow server', async () => {
    const { error } = await runCheck(`{ name: web, type: http, target: "http://${web.address}/slow", interval: 5s, timeout: 300ms }`);
    expect(error).to.equal('timeout: no answer within 300ms');
  });

  it('reports the certificate expiry of a TLS site', async () => {
    const cert = validCert(30);
    const s = await httpsServer(cert);
    try {
      const { sink, error } = await runCheck(`{ name: tls, type: http, target: "https://${s.address}/", http: { tls_config: { ca_file: "${cert.certFile}" } } }`);
      expect(error).to.equal('');
      expect(sink.value('probe_http_ssl')).to.equal(1);
      const expiry = sink.value('probe_ssl_earliest_cert_expiry')!;
      expect(expiry * 1000).to.be.within(Date.now() + 29 * 86_400_000, Date.now() + 31 * 86_400_000);
    } finally {
      s.close();
    }
  });

  it('fails on an expired certificate', async () => {
    const s = await httpsServer(expiredCert());
    try {
      const { sink, error } = await runCheck(`{ name: tls, type: http, target: "https://${s.address}/" }`);
      expect(error).to.match(/certificate has expired/);
      expect(sink.value('probe_success')).to.equal(0);
    } finally {
      s.close();
    }
  });

  it('marks the old failure reason stale when the check recovers', async () => {
    let up = false;
    const s = await startServer((_req, res) => { res.statusCode = up ? 200 : 503; res.end(); });
    try {
      const c = check(`{ name: web, type: http, target: "http://${s.address}/" }`);
      const sink = new CollectingSink();
      const runner = new CheckRunner(c, PROBES.http, sink, systemClock);
      await runner.run();
      up = true;
      await runner.run();
      const stale = sink.last().filter((x) => isStaleNaN(x.v)).map((x) => x.labels.metricName);
      expect(stale).to.deep.equal(['probe_failure_info']);
    } finally {
      await s.close();
    }
  });

  it('neither probes nor writes while paused, and says it is paused', async () => {
    let requests = 0;
    const s = await startServer((_req, res) => { requests++; res.end('ok'); });
    try {
      const c = check(`{ name: web, type: http, target: "http://${s.address}/", paused: true }`);
      expect(c.paused).to.equal(true);
      expect(check(`{ name: web, type: http, target: "http://${s.address}/" }`)).to.not.have.property('paused');
      const sink = new CollectingSink();
      const state = await new CheckRunner(c, PROBES.http, sink, systemClock).run();
      expect(state).to.include({ paused: true, health: 'unknown', lastRunMs: 0 });
      expect(requests).to.equal(0);
      expect(sink.batches).to.have.length(0);
    } finally {
      await s.close();
    }
  });

  it('rejects a paused value that is not a boolean', () => {
    const r = parseConfig('checks:\n  - { name: web, type: http, target: "http://x/", paused: yes please }\n', 't.yml', { env: {} });
    expect(r.errors?.map((e) => e.message)).to.deep.equal(['expected true or false, got string "yes please"']);
  });
});

describe('tcp checks', () => {
  it('fails on a refused connection with the reason', async () => {
    const port = await freePort();
    const { sink, error } = await runCheck(`{ name: ssh, type: tcp, target: "127.0.0.1:${port}" }`);
    expect(error).to.equal(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(sink.value('probe_success')).to.equal(0);
  });

  it('runs the expect/send dialogue', async () => {
    const server = net.createServer((sock) => {
      sock.write('SSH-2.0-OpenSSH_9.2\r\n');
      sock.on('data', (d) => { if (d.toString().startsWith('PING')) sock.end('PONG\n'); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const ok = await runCheck(`{ name: ssh, type: tcp, target: "127.0.0.1:${port}", tcp: { query_response: [{ expect: "^SSH-2.0-" }, { send: PING }, { expect: PONG }] } }`);
      expect(ok.error).to.equal('');
      const bad = await runCheck(`{ name: ssh, type: tcp, target: "127.0.0.1:${port}", timeout: 500ms, tcp: { query_response: [{ expect: "^220 " }] } }`);
      expect(bad.error).to.equal('timeout: no answer within 500ms');
      expect(bad.sink.value('probe_success')).to.equal(0);
    } finally {
      server.close();
    }
  });

  it('connects with TLS and reports the certificate expiry', async () => {
    const cert = validCert(10);
    const s = await httpsServer(cert);
    try {
      const { sink, error } = await runCheck(`{ name: tls, type: tcp, target: "${s.address}", tcp: { tls: true, tls_config: { ca_file: "${cert.certFile}", server_name: localhost } } }`);
      expect(error).to.equal('');
      expect(sink.value('probe_ssl_earliest_cert_expiry')! * 1000).to.be.within(Date.now() + 9 * 86_400_000, Date.now() + 11 * 86_400_000);
    } finally {
      s.close();
    }
  });
});

/** A DNS server on loopback that answers every A query with one address (enough for the dns probe). */
async function dnsServer(answer: [number, number, number, number]): Promise<{ address: string; close(): void }> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    // Header: copy the id, set QR + RD + RA, one question, one answer.
    const qEnd = msg.indexOf(0, 12) + 5;
    const header = Buffer.from([msg[0]!, msg[1]!, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
    const question = msg.subarray(12, qEnd);
    const rr = Buffer.from([0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, ...answer]);
    sock.send(Buffer.concat([header, question, rr]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${sock.address().port}`, close: () => sock.close() };
}

describe('dns checks', () => {
  it('resolves a name through the given server and checks the answer', async () => {
    const dns = await dnsServer([192, 168, 1, 10]);
    try {
      const ok = await runCheck(`{ name: nas, type: dns, target: nas.home.arpa, dns: { server: "${dns.address}", valid_answers: ["^192\\\\.168\\\\."] } }`);
      expect(ok.error).to.equal('');
      expect(ok.sink.value('probe_dns_answer_rrs')).to.equal(1);
      const bad = await runCheck(`{ name: nas, type: dns, target: nas.home.arpa, dns: { server: "${dns.address}", valid_answers: ["^10\\\\."] } }`);
      expect(bad.error).to.equal('answer "192.168.1.10" matches none of valid_answers');
    } finally {
      dns.close();
    }
  });
});
