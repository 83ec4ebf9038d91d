/**
 * Text-format parser throughput on node_exporter 1.5's real /metrics output, ours side by side with the
 * npm package parse-prometheus-text-format in the same run.
 *
 * Run: node --conditions=source --import=tsx bench/parser.ts [seconds-per-row]
 *
 * Rows:
 * - "hlmon scraper hot path": what the scraper does per scrape: next(), series() as the key of a Map
 *   lookup, value(), timestampMs(); labels() only on a cache miss (the first pass).
 * - "positional check before the Map": the same, comparing series() first with the key at the same
 *   position in the previous scrape (targets keep their order), and using the Map only when that fails.
 * - "hlmon parser hot path": the same without any cache (the parser's own share of that work).
 * - "hlmon full parse": the pull parser building Labels (sorted, unescaped) for every sample.
 * - "hlmon parseAll": the whole-document view: families, Labels and the exposed label pairs per sample.
 * - "parse-prometheus-text-format": the npm parser's only mode (it builds objects for every sample).
 *
 * Throughput is measured in CPU time of this process (process.cpuUsage), best of several rounds per
 * row, rows interleaved: on a shared machine wall time mostly measures the neighbours.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Labels, TextParser, parseAll } from '@hlmon/model';

const require = createRequire(import.meta.url);
const npmParse = require('parse-prometheus-text-format') as (text: string) => NpmFamily[];

interface NpmFamily {
  metrics: Array<{ value?: string; quantiles?: object; buckets?: object; count?: string; sum?: string }>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const text = readFileSync(path.join(root, 'model/test/fixtures/node_exporter-1.5.txt'), 'utf8');
const bytes = Buffer.byteLength(text);
const secondsPerRow = Number(process.argv[2] ?? 4);

function hotPath(cache: Map<string, Labels>): number {
  const p = new TextParser(text);
  let n = 0;
  let sink = 0;
  for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
    if (kind !== 'series') continue;
    const key = p.series();
    let labels = cache.get(key);
    if (labels === undefined) {
      labels = p.labels();
      cache.set(key, labels);
    }
    sink += p.value() + (p.timestampMs() ?? 0) + labels.size;
    n++;
  }
  if (sink === 42.4242) console.log('unreachable');
  return n;
}

/**
 * The same work with a positional check first: a target exposes its series in the same order every
 * scrape, so comparing series() with the key seen at the same position last time (a string equality)
 * mostly avoids the Map, whose lookup of a freshly sliced string costs more than the whole parse of it.
 */
function positional(previous: Array<{ key: string; labels: Labels } | undefined>, cache: Map<string, Labels>): number {
  const p = new TextParser(text);
  let n = 0;
  let sink = 0;
  for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
    if (kind !== 'series') continue;
    const key = p.series();
    const last = previous[n];
    let labels: Labels;
    if (last !== undefined && last.key === key) {
      labels = last.labels;
    } else {
      let cached = cache.get(key);
      if (cached === undefined) {
        cached = p.labels();
        cache.set(key, cached);
      }
      labels = cached;
      previous[n] = { key, labels };
    }
    sink += p.value() + (p.timestampMs() ?? 0) + labels.size;
    n++;
  }
  if (sink === 42.4242) console.log('unreachable');
  return n;
}

function bare(): number {
  const p = new TextParser(text);
  let n = 0;
  let sink = 0;
  for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
    if (kind !== 'series') continue;
    sink += p.series().length + p.value() + (p.timestampMs() ?? 0);
    n++;
  }
  if (sink === 42.4242) console.log('unreachable');
  return n;
}

function fullLabels(): number {
  // Every sample's labels are wanted, so the names are checked in next() rather than again in labels().
  const p = new TextParser(text, 'prometheus', { checkNames: 'eager' });
  let n = 0;
  let sink = 0;
  for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
    if (kind !== 'series') continue;
    sink += p.labels().size + p.value() + (p.timestampMs() ?? 0);
    n++;
  }
  if (sink === 42.4242) console.log('unreachable');
  return n;
}

function full(): number {
  let n = 0;
  for (const f of parseAll(text)) n += f.samples.length;
  return n;
}

function npm(): number {
  let n = 0;
  for (const f of npmParse(text)) {
    for (const m of f.metrics) {
      if (m.value !== undefined) n++;
      if (m.quantiles) n += Object.keys(m.quantiles).length + 2;
      if (m.buckets) n += Object.keys(m.buckets).length + 2;
    }
  }
  return n;
}

interface Row { name: string; fn: () => number; samples: number; bestSamplesPerCpuSec: number }

/** One round: run `fn` for about `budgetMs` of CPU time; returns samples per CPU second. */
function round(row: Row, budgetMs: number): number {
  const start = process.cpuUsage();
  let iterations = 0;
  let usedUs = 0;
  while (usedUs < budgetMs * 1000) {
    for (let i = 0; i < 10; i++) row.fn();
    iterations += 10;
    const d = process.cpuUsage(start);
    usedUs = d.user + d.system;
  }
  return (row.samples * iterations) / (usedUs / 1e6);
}

const cache = new Map<string, Labels>();
const cache2 = new Map<string, Labels>();
const previous: Array<{ key: string; labels: Labels } | undefined> = [];
const rows: Row[] = [
  { name: 'hlmon scraper hot path (Map on series(), Labels on miss)', fn: () => hotPath(cache), samples: 0, bestSamplesPerCpuSec: 0 },
  { name: 'hlmon scraper hot path, positional check before the Map', fn: () => positional(previous, cache2), samples: 0, bestSamplesPerCpuSec: 0 },
  { name: 'hlmon parser hot path (series(), value, timestamp)', fn: bare, samples: 0, bestSamplesPerCpuSec: 0 },
  { name: 'hlmon full parse (labels() for every sample)', fn: fullLabels, samples: 0, bestSamplesPerCpuSec: 0 },
  { name: 'hlmon parseAll (families, Labels and exposed pairs)', fn: full, samples: 0, bestSamplesPerCpuSec: 0 },
  { name: 'parse-prometheus-text-format 1.1.1', fn: npm, samples: 0, bestSamplesPerCpuSec: 0 },
];
// Warm up so that the JIT has compiled the hot loops before timing.
for (const r of rows) for (let i = 0; i < 300; i++) r.samples = r.fn();
const rounds = 8;
const budgetMs = (secondsPerRow * 1000) / rounds;
for (let k = 0; k < rounds; k++) {
  for (const r of rows) r.bestSamplesPerCpuSec = Math.max(r.bestSamplesPerCpuSec, round(r, budgetMs));
}
const ref = rows[rows.length - 1]!;
console.log(`node_exporter-1.5.txt: ${bytes} bytes, ${rows[0]!.samples} samples; best of ${rounds} rounds of ${budgetMs.toFixed(0)} ms CPU per row; node ${process.version}`);
console.log('| parser | samples | samples/s | MB/s | vs npm |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  const perSec = r.bestSamplesPerCpuSec;
  const mbPerSec = (perSec / r.samples) * bytes / 1e6;
  console.log(`| ${r.name} | ${r.samples} | ${Math.round(perSec).toLocaleString('en-US')} | ${mbPerSec.toFixed(1)} | ${(perSec / ref.bestSamplesPerCpuSec).toFixed(2)}x |`);
}
