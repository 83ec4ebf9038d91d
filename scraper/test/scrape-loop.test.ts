import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { isStaleNaN, systemClock } from '@hlmon/model';
import { isTarget, parseConfig, populateTarget, type ScrapeConfig, type Target } from '@hlmon/scraper';
// The loop and its client are internal; tests reach them through the package's source on purpose.
import { ScrapeLoop } from '../src/scrape/loop.js';
import { ScrapeHttpClient } from '../src/scrape/http-client.js';
import { CollectingSink } from './helpers/collecting-sink.js';
import { startServer, type TestServer } from './helpers/servers.js';
import { expiredCert } from './helpers/tls.js';

const NODE_EXPORTER = readFileSync(new URL('./fixtures/node_exporter-1.5.txt', import.meta.url), 'utf8');

function job(extra = ''): ScrapeConfig {
  const r = parseConfig(`scrape_configs:\n  - job_name: node\n    scrape_interval: 5s\n    scrape_timeout: 1s\n${extra.replace(/^/gm, '    ')}\n`, 't.yml', { env: {} });
  if (r.errors) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.config.scrapeConfigs[0]!;
}

function target(cfg: ScrapeConfig, address: string): Target {
  const t = populateTarget(cfg, { targets: [address], labels: {}, source: 'test' }, address);
  if (!isTarget(t)) throw new Error(t.reason);
  return t;
}

function loopFor(cfg: ScrapeConfig, address: string, sink: CollectingSink): ScrapeLoop {
  return new ScrapeLoop(target(cfg, address), cfg, new ScrapeHttpClient({ tls: cfg.tls, followRedirects: true }), sink, systemClock);
}

describe('scrape loop', () => {
  let body = NODE_EXPORTER;
  let server: TestServer;
  before(async () => {
    server = await startServer((_req, res) => res.end(body));
  });
  after(() => server.close());
  beforeEach(() => { body = NODE_EXPORTER; });

  it('stores every sample of the node_exporter fixture with job and instance labels', async () => {
    const sink = new CollectingSink();
    const h = await loopFor(job(), server.address, sink).scrape();
    expect(h.health).to.equal('up');
    const samples = sink.last().filter((s) => !s.labels.metricName.startsWith('scrape_') && s.labels.metricName !== 'up');
    expect(samples).to.have.length(507);
    expect(samples.every((s) => s.labels.get('job') === 'node' && s.labels.get('instance') === server.address)).to.equal(true);
  });

  it('writes the five synthetic series for a successful scrape', async () => {
    const sink = new CollectingSink();
    await loopFor(job(), server.address, sink).scrape();
    expect(sink.value('up')).to.equal(1);
    expect(sink.value('scrape_samples_scraped')).to.equal(507);
    expect(sink.value('scrape_samples_post_metric_relabeling')).to.equal(507);
    expect(sink.value('scrape_series_added')).to.equal(507);
    expect(sink.value('scrape_duration_seconds')).to.be.greaterThan(0);
  });

  it('counts only new series in scrape_series_added on the second scrape', async () => {
    const sink = new CollectingSink();
    const loop = loopFor(job(), server.address, sink);
    await loop.scrape();
    await loop.scrape();
    expect(sink.value('scrape_series_added')).to.equal(0);
  });

  it('applies metric relabeling and reports the post-relabeling count', async () => {
    const sink = new CollectingSink();
    await loopFor(job('metric_relabel_configs:\n  - { source_labels: [__name__], regex: "go_.*", action: drop }'), server.address, sink).scrape();
    const goSeries = NODE_EXPORTER.split('\n').filter((l) => l.startsWith('go_')).length;
    expect(sink.value('scrape_samples_post_metric_relabeling')).to.equal(507 - goSeries);
    expect(sink.last().some((s) => s.labels.metricName.startsWith('go_'))).to.equal(false);
  });

  it('renames conflicting exposed labels to exported_ unless honor_labels is set', async () => {
    body = 'm{job="theirs",instance="x"} 1\n';
    const sink = new CollectingSink();
    await loopFor(job(), server.address, sink).scrape();
    const m = sink.last().find((s) => s.labels.metricName === 'm')!;
    expect(m.labels.toObject()).to.deep.equal({ __name__: 'm', exported_instance: 'x', exported_job: 'theirs', instance: server.address, job: 'node' });
    const honored = new CollectingSink();
    await loopFor(job('honor_labels: true'), server.address, honored).scrape();
    expect(honored.last().find((s) => s.labels.metricName === 'm')!.labels.toObject()).to.deep.equal({ __name__: 'm', instance: 'x', job: 'theirs' });
  });

  it('writes a staleness marker for a series that disappears', async () => {
    body = 'a 1\nb 2\n';
    const sink = new CollectingSink();
    const loop = loopFor(job(), server.address, sink);
    await loop.scrape();
    body = 'a 1\n';
    await loop.scrape();
    expect(sink.staleInLast()).to.deep.equal([`b{instance="${server.address}", job="node"}`]);
  });

  it('writes a series that two texts relabel to once per scrape, and marks it stale once when both go', async () => {
    // Both lines come to m{instance, job} once `x` is dropped; the second is a duplicate, as in Prometheus.
    body = 'm{x="1"} 1\nm{x="2"} 2\nother 3\n';
    const sink = new CollectingSink();
    const loop = loopFor(job('metric_relabel_configs:\n  - { regex: x, action: labeldrop }'), server.address, sink);
    await loop.scrape();
    expect(sink.last().filter((s) => s.labels.metricName === 'm').map((s) => s.v)).to.deep.equal([1]);
    expect(sink.value('scrape_samples_post_metric_relabeling')).to.equal(2);
    await loop.scrape();
    expect(sink.value('scrape_series_added')).to.equal(0);
    body = 'other 3\n';
    await loop.scrape();
    expect(sink.staleInLast()).to.deep.equal([`m{instance="${server.address}", job="node"}`]);
  });

  it('counts a series that comes back after disappearing as added again, with one marker in between', async () => {
    const sink = new CollectingSink();
    const loop = loopFor(job(), server.address, sink);
    body = 'a 1\nb 2\n';
    await loop.scrape();
    body = 'a 1\n';
    await loop.scrape();
    expect(sink.staleInLast()).to.have.length(1);
    body = 'a 1\nb 2\n';
    await loop.scrape();
    expect(sink.value('scrape_series_added')).to.equal(1);
    expect(sink.staleInLast()).to.deep.equal([]);
    expect(sink.value('b')).to.equal(2);
  });

  it('counts every series as added in the first scrape after a failed one', async () => {
    let fail = false;
    const s = await startServer((_req, res) => { if (fail) { res.statusCode = 500; res.end(); } else res.end('a 1\nb 2\n'); });
    try {
      const sink = new CollectingSink();
      const loop = loopFor(job(), s.address, sink);
      await loop.scrape();
      fail = true;
      await loop.scrape();
      fail = false;
      await loop.scrape();
      expect(sink.value('scrape_series_added')).to.equal(2);
      expect(sink.staleInLast()).to.deep.equal([]);
    } finally {
      await s.close();
    }
  });

  it('fails every scrape of a text over label_limit, not only the first (the text never enters the cache)', async () => {
    body = 'ok 1\nm{a="1",b="2",c="3"} 1\n';
    const sink = new CollectingSink();
    const loop = loopFor(job('label_limit: 4'), server.address, sink);
    for (let i = 0; i < 2; i++) {
      const h = await loop.scrape();
      expect(h.lastError).to.equal('label_limit exceeded (metric: m, number of labels: 6, limit: 4)');
      expect(sink.value('up')).to.equal(0);
    }
  });

  it('keeps series across a reload that changes metric relabeling, marking stale only what the new config drops', async () => {
    body = 'keep 1\ngo_away 2\n';
    const sink = new CollectingSink();
    const before = loopFor(job(), server.address, sink);
    await before.scrape();
    const cfg = job('metric_relabel_configs:\n  - { source_labels: [__name__], regex: "go_.*", action: drop }');
    const after = new ScrapeLoop(target(cfg, server.address), cfg, new ScrapeHttpClient({ tls: cfg.tls, followRedirects: true }), sink, systemClock);
    after.adopt(before);
    await after.scrape();
    expect(sink.staleInLast()).to.deep.equal([`go_away{instance="${server.address}", job="node"}`]);
    expect(sink.value('scrape_series_added')).to.equal(0);
    expect(sink.value('keep')).to.equal(1);
  });

  it('uses exposed timestamps only with honor_timestamps', async () => {
    body = 'a 1 1000\n';
    const sink = new CollectingSink();
    await loopFor(job(), server.address, sink).scrape();
    expect(sink.last().find((s) => s.labels.metricName === 'a')!.t).to.equal(1000);
    const ignoring = new CollectingSink();
    await loopFor(job('honor_timestamps: false'), server.address, ignoring).scrape();
    expect(ignoring.last().find((s) => s.labels.metricName === 'a')!.t).to.be.greaterThan(1e12);
  });

  it('fails the whole scrape when sample_limit is exceeded', async () => {
    const sink = new CollectingSink();
    const h = await loopFor(job('sample_limit: 10'), server.address, sink).scrape();
    expect(h.lastError).to.equal('sample limit exceeded (507 samples, limit 10)');
    expect(sink.value('up')).to.equal(0);
    expect(sink.last()).to.have.length(5);
  });

  it('fails a scrape with a label value longer than label_value_length_limit', async () => {
    body = 'm{path="/a/very/long/path"} 1\n';
    const sink = new CollectingSink();
    const h = await loopFor(job('label_value_length_limit: 16'), server.address, sink).scrape();
    expect(h.lastError).to.equal('label value length limit exceeded (metric: m, label name: path, value length: 17, limit: 16)');
    expect(sink.value('up')).to.equal(0);
  });

  it('marks every series stale when the target is removed', async () => {
    body = 'a 1\n';
    const sink = new CollectingSink();
    const loop = loopFor(job(), server.address, sink);
    await loop.scrape();
    loop.stop();
    expect(sink.staleInLast().sort()).to.deep.equal([
      'a', 'scrape_duration_seconds', 'scrape_samples_post_metric_relabeling', 'scrape_samples_scraped', 'scrape_series_added', 'up',
    ].map((n) => `${n}{instance="${server.address}", job="node"}`));
  });
});

describe('scrape loop against misbehaving servers', () => {
  const servers: TestServer[] = [];
  after(async () => { for (const s of servers) await s.close(); });

  async function scrapeTwice(handler: Parameters<typeof startServer>[0], extra = ''): Promise<{ errors: string[]; sink: CollectingSink }> {
    const s = await startServer(handler);
    servers.push(s);
    const sink = new CollectingSink();
    const loop = loopFor(job(extra), s.address, sink);
    const errors = [(await loop.scrape()).lastError, (await loop.scrape()).lastError];
    return { errors, sink };
  }

  it('reports a timeout for a server slower than scrape_timeout', async () => {
    const { errors, sink } = await scrapeTwice((_req, res) => { setTimeout(() => res.end('a 1\n'), 3000).unref(); });
    expect(errors).to.deep.equal(['scrape timed out after 1000ms', 'scrape timed out after 1000ms']);
    expect(sink.value('up')).to.equal(0);
  });

  it('reports the line and column of garbage', async () => {
    const { errors, sink } = await scrapeTwice((_req, res) => res.end('ok 1\n<html>oops</html>\n'));
    expect(errors[0]).to.match(/^parse error at 2:1: /);
    expect(errors[1]).to.equal(errors[0]);
    expect(sink.value('up')).to.equal(0);
  });

  it('stops reading at body_size_limit for a 10 MB response', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a 1\n');
    const { errors } = await scrapeTwice((_req, res) => { for (let i = 0; i < 10; i++) res.write(chunk); res.end(); }, 'body_size_limit: 1MB');
    expect(errors).to.deep.equal(['body size limit exceeded (limit 1048576 bytes)', 'body size limit exceeded (limit 1048576 bytes)']);
  });

  it('reports a connection reset', async () => {
    const { errors } = await scrapeTwice((req) => req.socket.destroy());
    expect(errors[0]).to.match(/^connection reset: |socket hang up|other side closed/);
    expect(errors[1]).to.equal(errors[0]);
  });

  it('reports an HTTP error status', async () => {
    const { errors } = await scrapeTwice((_req, res) => { res.statusCode = 503; res.end('down'); });
    expect(errors).to.deep.equal(['server returned HTTP status 503', 'server returned HTTP status 503']);
  });

  it('reports a connection refused', async () => {
    const s = await startServer(() => undefined);
    const addr = s.address;
    await s.close();
    const sink = new CollectingSink();
    const h = await loopFor(job(), addr, sink).scrape();
    expect(h.lastError).to.equal(`connect ECONNREFUSED ${addr}`);
  });

  it('rejects an expired TLS certificate and accepts it with insecure_skip_verify', async () => {
    const { key, cert } = expiredCert();
    const server = https.createServer({ key, cert }, (_req, res) => res.end('a 1\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const strict = new CollectingSink();
      const h = await loopFor(job('scheme: https'), addr, strict).scrape();
      expect(h.lastError).to.match(/certificate has expired/);
      expect(strict.value('up')).to.equal(0);
      const lax = new CollectingSink();
      expect((await loopFor(job('scheme: https\ntls_config: { insecure_skip_verify: true }'), addr, lax).scrape()).health).to.equal('up');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('marks the previous series stale when a scrape fails', async () => {
    let fail = false;
    const s = await startServer((_req, res) => { if (fail) { res.statusCode = 500; res.end(); } else res.end('a 1\n'); });
    servers.push(s);
    const sink = new CollectingSink();
    const loop = loopFor(job(), s.address, sink);
    await loop.scrape();
    fail = true;
    await loop.scrape();
    expect(sink.staleInLast()).to.deep.equal([`a{instance="${s.address}", job="node"}`]);
    expect(sink.last().filter((x) => !isStaleNaN(x.v)).map((x) => x.labels.metricName)).to.include('up');
  });
});
