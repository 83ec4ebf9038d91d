/**
 * Fuzzing with a fixed seed: mutated real exporter output, random text and pathological shapes must
 * either parse or fail with a ParseError, and never with anything else. Every input is parsed to the
 * end, so a hang would show as a test timeout; iteration counts keep the whole file to a few seconds.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ParseError, TextParser, parseAll, writeText, type MetricFamily, type TextFormat } from '@hlmon/model';
import { seededRandom } from '@hlmon/testkit';

const here = path.dirname(fileURLToPath(import.meta.url));
const node = readFileSync(path.join(here, 'fixtures', 'node_exporter-1.5.txt'), 'utf8');
const blackbox = readFileSync(path.join(here, 'fixtures', 'blackbox_exporter-0.23-http_2xx.txt'), 'utf8');

const rng = seededRandom;

// Characters that matter to the grammar are over-represented so mutations reach the interesting paths.
const ALPHABET = '{}=",\\#\n\r\t .-+eE0123456789abcxyz_:NaInf HELP TYPE UNIT EOF ü\u0000\u2028';

interface Outcome { ok: number; rejected: number }

/** Parses `text`; returns true on success, false on a ParseError, and fails the test on anything else. */
function parseOrReject(text: string, format: TextFormat, outcome: Outcome): MetricFamily[] | undefined {
  try {
    const fams = parseAll(text, format);
    outcome.ok++;
    return fams;
  } catch (err) {
    if (!(err instanceof ParseError)) {
      throw new Error(`non-ParseError for input ${JSON.stringify(text.slice(0, 200))}: ${String(err)}`, { cause: err });
    }
    expect(err.line).to.be.at.least(1);
    expect(err.column).to.be.at.least(1);
    outcome.rejected++;
    return undefined;
  }
}

/**
 * Runs the pull parser over `text` in one name-check mode, calling labels() for every series, and
 * returns everything it saw (or the error) as comparable strings.
 */
function trace(text: string, checkNames: 'lazy' | 'eager'): string[] {
  const out: string[] = [];
  try {
    const p = new TextParser(text, 'prometheus', { checkNames });
    for (let k = p.next(); k !== 'eof'; k = p.next()) {
      if (k === 'series') out.push(`${p.series()} ${p.labels().key} ${String(p.value())} ${p.timestampMs()}`);
      else out.push(k);
    }
  } catch (err) {
    out.push(err instanceof ParseError ? `ParseError ${err.message}` : `other ${String(err)}`);
  }
  return out;
}

/** Samples as comparable strings: canonical labels key, value and timestamp. */
function sampleDigest(fams: MetricFamily[]): string[] {
  return fams.flatMap((f) => f.samples.map((s) => `${s.labels.key} ${String(s.value)} ${s.timestampMs ?? ''}`));
}

function mutate(text: string, next: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(next() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(next() * (s.length + 1));
    const ch = ALPHABET[Math.floor(next() * ALPHABET.length)]!;
    const op = next();
    if (op < 0.34) s = s.slice(0, at) + ch + s.slice(at + 1); // flip
    else if (op < 0.67) s = s.slice(0, at) + ch + s.slice(at); // insert
    else s = s.slice(0, at) + s.slice(at + 1); // delete
  }
  return s;
}

describe('parser fuzzing (fixed seed)', () => {
  it('raises only ParseError on mutated node_exporter output, and what parses writes back to the same samples', () => {
    const next = rng(20261126);
    const outcome: Outcome = { ok: 0, rejected: 0 };
    // Mutating a slice keeps each parse short; the slice start moves through the whole document.
    for (let i = 0; i < 600; i++) {
      const start = Math.floor(next() * (node.length - 3000));
      const from = node.lastIndexOf('\n', start) + 1;
      const text = mutate(node.slice(from, from + 3000), next);
      const fams = parseOrReject(text, 'prometheus', outcome);
      if (fams !== undefined) {
        const again = parseAll(writeText(fams));
        expect(sampleDigest(again), JSON.stringify(text.slice(0, 200))).to.deep.equal(sampleDigest(fams));
      }
    }
    // Both outcomes must actually occur, or the fuzzer is not exercising anything.
    expect(outcome.ok).to.be.greaterThan(50);
    expect(outcome.rejected).to.be.greaterThan(50);
  });

  it('gives identical results and errors with lazy and eager name checks on mutated input', () => {
    const next = rng(99);
    let differ = 0;
    let errors = 0;
    for (let i = 0; i < 400; i++) {
      const start = Math.floor(next() * (node.length - 2000));
      const from = node.lastIndexOf('\n', start) + 1;
      const text = mutate(node.slice(from, from + 2000), next);
      const lazy = trace(text, 'lazy'), eager = trace(text, 'eager');
      if (JSON.stringify(lazy) !== JSON.stringify(eager)) {
        differ++;
        expect(lazy, JSON.stringify(text)).to.deep.equal(eager);
      }
      if (eager[eager.length - 1]!.startsWith('ParseError')) errors++;
    }
    expect(differ).to.equal(0);
    expect(errors).to.be.greaterThan(50);
  });

  it('lets a scrape cache keyed by series() that builds labels only on a miss reject exactly what the eager check rejects', () => {
    const next = rng(1234);
    // One cache across all inputs, as a scrape loop keeps it across scrapes of a target.
    const cache = new Map<string, string>();
    const scrape = (text: string): string[] => {
      const out: string[] = [];
      try {
        const p = new TextParser(text);
        for (let k = p.next(); k !== 'eof'; k = p.next()) {
          if (k !== 'series') continue;
          const key = p.series();
          let labelsKey = cache.get(key);
          if (labelsKey === undefined) {
            labelsKey = p.labels().key;
            cache.set(key, labelsKey);
          }
          out.push(`${labelsKey} ${String(p.value())} ${p.timestampMs()}`);
        }
      } catch (err) {
        out.push(err instanceof ParseError ? `ParseError ${err.message}` : `other ${String(err)}`);
      }
      return out;
    };
    const eager = (text: string): string[] => {
      const out: string[] = [];
      try {
        const p = new TextParser(text, 'prometheus', { checkNames: 'eager' });
        for (let k = p.next(); k !== 'eof'; k = p.next()) {
          if (k === 'series') out.push(`${p.labels().key} ${String(p.value())} ${p.timestampMs()}`);
        }
      } catch (err) {
        out.push(err instanceof ParseError ? `ParseError ${err.message}` : `other ${String(err)}`);
      }
      return out;
    };
    for (let i = 0; i < 400; i++) {
      const start = Math.floor(next() * (node.length - 2000));
      const from = node.lastIndexOf('\n', start) + 1;
      const text = mutate(node.slice(from, from + 2000), next);
      expect(scrape(text), JSON.stringify(text)).to.deep.equal(eager(text));
    }
    expect(cache.size).to.be.greaterThan(100);
  });

  it('raises only ParseError on mutated OpenMetrics input', () => {
    const next = rng(7);
    const outcome: Outcome = { ok: 0, rejected: 0 };
    const om = '# TYPE probe_http_duration_seconds gauge\n# UNIT probe_http_duration_seconds seconds\n' +
      blackbox.split('\n').filter((l) => l !== '' && !l.startsWith('# TYPE probe_http_duration_seconds')).join('\n') +
      '\nfoo_bucket{le="1"} 11 1520879607.789 # {trace_id="oHg5SJYRHA0"} 9.8 1520879607.789\n# EOF\n';
    for (let i = 0; i < 600; i++) {
      const fams = parseOrReject(mutate(om, next), 'openmetrics', outcome);
      if (fams !== undefined) {
        const again = parseAll(writeText(fams, 'openmetrics'), 'openmetrics');
        expect(sampleDigest(again)).to.deep.equal(sampleDigest(fams));
      }
    }
    expect(outcome.rejected).to.be.greaterThan(50);
  });

  it('raises only ParseError on random text in both formats', () => {
    const next = rng(42);
    const outcome: Outcome = { ok: 0, rejected: 0 };
    for (let i = 0; i < 1500; i++) {
      const len = Math.floor(next() * 120);
      let s = '';
      for (let k = 0; k < len; k++) {
        s += next() < 0.8 ? ALPHABET[Math.floor(next() * ALPHABET.length)]! : String.fromCharCode(Math.floor(next() * 128));
      }
      parseOrReject(s, 'prometheus', outcome);
      parseOrReject(s, 'openmetrics', outcome);
    }
    expect(outcome.rejected).to.be.greaterThan(100);
  });

  it('handles pathological shapes: huge lines, many labels, runs of braces, quotes and backslashes', () => {
    const outcome: Outcome = { ok: 0, rejected: 0 };
    const many = Array.from({ length: 5000 }, (_, i) => `l${i}="${'v'.repeat(i % 50)}"`).join(',');
    const inputs = [
      'a'.repeat(1_000_000) + ' 1\n',
      `m{${many}} 1\n`,
      '{'.repeat(100_000),
      'm' + '{'.repeat(100_000) + ' 1\n',
      `m{a="${'\\'.repeat(100_001)}"} 1\n`,
      `m{a="${'\\"'.repeat(50_000)}`,
      '#'.repeat(100_000),
      '# HELP m ' + '\\'.repeat(100_000) + '\n',
      `m 1${'0'.repeat(100_000)}\n`,
      `m 0.${'0'.repeat(100_000)}1\n`,
      `m 1e${'9'.repeat(1000)}\n`,
      `m 1 ${'9'.repeat(1000)}\n`,
      '\n'.repeat(100_000),
      'm 1\n'.repeat(50_000),
      `m{a="${'x\n'.repeat(10_000)}"} 1\n`,
      `m{${Array.from({ length: 20_000 }, (_, i) => `l${20_000 - i}="v"`).join(',')},l5="dup"} 1\n`,
    ];
    for (const text of inputs) {
      parseOrReject(text, 'prometheus', outcome);
      parseOrReject(text, 'openmetrics', outcome);
    }
    expect(outcome.ok + outcome.rejected).to.equal(inputs.length * 2);
    expect(parseAll(`m{${many}} 1\n`)[0]!.samples[0]!.labels.size).to.equal(4901);
  });
});
