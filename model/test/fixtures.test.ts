/**
 * The parser and writer against real exporter output, cross-checked with two independent parsers:
 * promtool (Prometheus's own Go parser, expfmt) and the npm package parse-prometheus-text-format.
 */
import { expect } from 'chai';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Labels, ParseError, formatGoFloat, parseAll, writeText, type MetricFamily } from '@hlmon/model';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string) => readFileSync(path.join(here, 'fixtures', name), 'utf8');
const require = createRequire(import.meta.url);

interface NpmMetric { value?: string; labels?: Record<string, string>; quantiles?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string }
interface NpmFamily { name: string; help: string; type: string; metrics: NpmMetric[] }
const npmParse = require('parse-prometheus-text-format') as (text: string) => NpmFamily[];

/** Runs `promtool check metrics` on the text; returns the parse error it reports, or undefined. */
function promtoolParseError(text: string): { line: number; message: string } | undefined {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error('promtool could not be run', { cause: r.error });
  const m = /text format parsing error in line (\d+): (.*)/.exec(r.stdout + r.stderr);
  return m ? { line: Number(m[1]), message: m[2]! } : undefined;
}

const count = (fams: MetricFamily[]) => fams.reduce((n, f) => n + f.samples.length, 0);

/** The npm parser's view flattened into samples: labels key → value text as exposed. */
function npmSamples(fams: NpmFamily[]): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, labels: Record<string, string> | undefined, extra: Record<string, string>, v: string) => {
    out.set(Labels.from({ ...labels, ...extra, __name__: name }).key, v);
  };
  for (const f of fams) {
    for (const m of f.metrics) {
      if (m.value !== undefined) add(f.name, m.labels, {}, m.value);
      for (const [q, v] of Object.entries(m.quantiles ?? {})) add(f.name, m.labels, { quantile: q }, v);
      for (const [le, v] of Object.entries(m.buckets ?? {})) add(`${f.name}_bucket`, m.labels, { le }, v);
      if (m.sum !== undefined) add(`${f.name}_sum`, m.labels, {}, m.sum);
      if (m.count !== undefined) add(`${f.name}_count`, m.labels, {}, m.count);
    }
  }
  return out;
}

describe('real exporter output', () => {
  const node = fixture('node_exporter-1.5.txt');

  it('parses node_exporter 1.5 into 283 families and 507 samples', () => {
    const fams = parseAll(node);
    expect(fams).to.have.length(283);
    expect(count(fams)).to.equal(507);
  });

  it('reads the types and help texts node_exporter declares', () => {
    const byName = new Map(parseAll(node).map((f) => [f.name, f]));
    expect(byName.get('node_cpu_seconds_total')).to.deep.include({ type: 'counter', help: 'Seconds the CPUs spent in each mode.' });
    expect(byName.get('go_gc_duration_seconds')!.type).to.equal('summary');
    expect(byName.get('go_gc_duration_seconds')!.samples).to.have.length(7);
  });

  it('is accepted by promtool check metrics, the Prometheus oracle', () => {
    expect(promtoolParseError(node)).to.equal(undefined);
  });

  it('agrees with parse-prometheus-text-format sample for sample, values as Go printed them', () => {
    const ours = new Map<string, string>();
    for (const f of parseAll(node)) for (const s of f.samples) ours.set(s.labels.key, formatGoFloat(s.value));
    const theirs = npmSamples(npmParse(node));
    expect(ours.size).to.equal(507);
    expect([...ours.entries()].sort()).to.deep.equal([...theirs.entries()].sort());
  });

  it('agrees with parse-prometheus-text-format on every family name, type and help text', () => {
    const ours = parseAll(node).map((f) => [f.name, f.type.toUpperCase(), f.help]);
    const theirs = npmParse(node).map((f) => [f.name, f.type, f.help]);
    expect(ours).to.deep.equal(theirs);
  });

  it('writes node_exporter output back byte for byte', () => {
    expect(writeText(parseAll(node))).to.equal(node);
  });

  it('writes blackbox_exporter output back byte for byte', () => {
    for (const name of ['blackbox_exporter-0.23-http_2xx.txt', 'blackbox_exporter-0.23-tcp_connect-refused.txt']) {
      const text = fixture(name);
      expect(writeText(parseAll(text)), name).to.equal(text);
    }
  });

  it('reads the failed blackbox probe as probe_success 0', () => {
    const fams = parseAll(fixture('blackbox_exporter-0.23-tcp_connect-refused.txt'));
    const success = fams.find((f) => f.name === 'probe_success');
    expect(success!.samples[0]!.value).to.equal(0);
    expect(count(fams)).to.equal(6);
  });

  it('parses prom-client default metrics, blank lines between families included', () => {
    const text = fixture('prom-client-15.1.3-default-metrics.txt');
    const fams = parseAll(text);
    expect(count(fams)).to.equal(68);
    expect(promtoolParseError(text)).to.equal(undefined);
    const theirs = npmSamples(npmParse(text));
    // The npm parser drops the labels of histogram buckets (it merges prom-client's per-kind GC
    // histograms into one), so only the other families can be compared with it.
    let compared = 0;
    for (const f of fams) {
      if (f.type === 'histogram') continue;
      for (const s of f.samples) {
        expect(Number(theirs.get(s.labels.key)), s.labels.key).to.equal(s.value);
        compared++;
      }
    }
    expect(compared).to.be.greaterThan(30);
  });

  describe('malformed input rejected by both promtool and hlmon, on the same line', () => {
    const cases = [
      'a 1\nb\n', 'a{x=1} 1\n', 'a 1\na{x="1} 1\n', '# TYPE a countr\na 1\n', 'a one\n', 'a 1\na 1 2 3\n', '1a 1\n',
      'a{1x="y"} 1\n', 'a 1 abc\n', 'a{x="1",x="2"} 1\n', 'a 1e999\n', 'a{x} 1\n', '# HELP 1a x\n', 'a +nan\n',
      'a 0x10\n', 'a 1_0\n',
    ];
    for (const text of cases) {
      it(`rejects ${JSON.stringify(text)}`, () => {
        const oracle = promtoolParseError(text);
        expect(oracle, 'promtool should reject it').to.not.equal(undefined);
        assert.throws(() => parseAll(text), (err: unknown) => {
          expect(err).to.be.instanceOf(ParseError);
          expect((err as ParseError).line, `${(err as Error).message} vs promtool: ${oracle!.message}`).to.equal(oracle!.line);
          return true;
        });
      });
    }
  });
});
