import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { Matcher, float64Bits } from '@hlmon/model';
import { MemoryStorage } from '@hlmon/query';
import { openStore } from '@hlmon/store';
import { freshPostgresDatabase } from '@hlmon/testkit';
import { importOpenMetrics } from '@hlmon/cli';
import { runCli } from './helpers.js';

async function* pieces(text: string, size: number): AsyncIterable<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

const GOOD = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{code="200",job="api"} 10 1700000000
http_requests_total{code="200",job="api"} 15 1700000015.5
http_requests_total{code="500",job="api"} 1 1700000000
# TYPE temp gauge
temp{room="attic"} -3.25 1700000000
temp{room="attic"} NaN 1700000015
temp{room="attic"} +Inf 1700000030
# EOF
`;

describe('hlmon import', function () {
  this.timeout(120_000);

  it('imports every sample with its timestamp whatever the chunk boundaries', async () => {
    for (const size of [1, 7, 64, 1 << 20]) {
      const storage = new MemoryStorage();
      const summary = await importOpenMetrics(pieces(GOOD, size), storage, { batchSamples: 2 });
      expect(summary.errors, `chunk ${size}`).to.deep.equal([]);
      expect(summary.samples).to.equal(6);
      expect(summary.series).to.equal(3);
      expect(summary.minTimeMs).to.equal(1700000000000);
      expect(summary.maxTimeMs).to.equal(1700000030000);
      const got = await storage.select([new Matcher('=', '__name__', 'http_requests_total'), new Matcher('=', 'code', '200')], { start: 0, end: 2e12 });
      expect(got).to.have.length(1);
      expect(got[0]!.samples.map((s) => [s.t, s.v])).to.deep.equal([[1700000000000, 10], [1700000015500, 15]]);
      const temp = await storage.select([new Matcher('=', '__name__', 'temp')], { start: 0, end: 2e12 });
      expect(temp[0]!.samples.map((s) => s.v)).to.deep.equal([-3.25, NaN, Infinity]);
    }
  });

  it('reports a malformed line with its line and column, skips it and imports the rest', async () => {
    const text = GOOD.replace('http_requests_total{code="500",job="api"} 1 1700000000', 'http_requests_total{code="500",job="api" 1 1700000000');
    const storage = new MemoryStorage();
    const summary = await importOpenMetrics(pieces(text, 13), storage);
    expect(summary.errors).to.have.length(1);
    expect(summary.errors[0]!.line).to.equal(5);
    expect(summary.samples).to.equal(5);
  });

  it('reports samples without a timestamp and a missing # EOF', async () => {
    const text = '# TYPE x gauge\nx 1 1700000000\nx 2\n';
    const summary = await importOpenMetrics(pieces(text, 100), new MemoryStorage());
    expect(summary.samples).to.equal(1);
    expect(summary.errors.map((e) => e.line)).to.deep.equal([3, 4]);
    expect(summary.errors[0]!.message).to.contain('no timestamp');
    expect(summary.errors[1]!.message).to.contain('# EOF');
  });

  it('reports data after # EOF', async () => {
    const summary = await importOpenMetrics(pieces('x 1 1\n# EOF\nx 2 2\n', 4), new MemoryStorage());
    expect(summary.errors.map((e) => e.message)).to.deep.equal(['unexpected data after # EOF']);
  });

  it('accepts the same file promtool accepts and loads it into PostgreSQL through the CLI', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlmon-import-'));
    const file = path.join(dir, 'data.om');
    fs.writeFileSync(file, GOOD);
    // The oracle: promtool turns the same file into TSDB blocks without complaint.
    execFileSync('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, path.join(dir, 'blocks')], { stdio: 'pipe' });
    const db = await freshPostgresDatabase();
    try {
      const r = await runCli(['import', '--database-url', db.url, file]);
      expect(r.stderr).to.equal('');
      expect(r.code).to.equal(0);
      expect(r.stdout).to.match(/^imported 6 samples of 3 series \(2023-11-14T22:13:20\.000Z \.\. 2023-11-14T22:13:50\.000Z\)/);
      const store = await openStore({ url: db.url });
      try {
        const series = await store.querier().select([new Matcher('=', '__name__', 'temp')], { start: 0, end: 2e12 });
        expect(series[0]!.samples.map((s) => float64Bits(s.v))).to.deep.equal([float64Bits(-3.25), float64Bits(NaN), float64Bits(Infinity)]);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('exits 1 and names the file, line and column of a bad line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlmon-import-'));
    const file = path.join(dir, 'bad.om');
    fs.writeFileSync(file, 'x 1 1700000000\nx{ 2 1700000001\n# EOF\n');
    const db = await freshPostgresDatabase();
    try {
      const r = await runCli(['import', '--database-url', db.url, file]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(new RegExp(`^${file.replace(/[.]/g, '\\.')}:2:\\d+: `));
      expect(r.stdout).to.contain('imported 1 samples of 1 series');
    } finally {
      await db.drop();
    }
  });
});
