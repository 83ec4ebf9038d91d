/**
 * Text-format parser throughput on node_exporter 1.5's real /metrics output, ours side by side with the
 * npm package parse-prometheus-text-format in the same run.
 *
 * Run: node --conditions=source --import=tsx bench/parser.ts [seconds-per-row]
 *
 * Rows:
 * - "hlmon hot path": what the scraper does per scrape: next(), series() as a cache key looked up in a
 *   Map, value(), timestampMs(); labels() only on a cache miss (the first pass).
 * - "hlmon full": parseAll(), which builds Labels (sorted, unescaped) for every sample.
 * - "parse-prometheus-text-format": the npm parser's only mode (it builds objects for every sample).
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
const secondsPerRow = Number(process.argv[2] ?? 3);

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

interface Row { name: string; samples: number; samplesPerSec: number; mbPerSec: number }

function measure(name: string, fn: () => number): Row {
  // Warm up so that the JIT has compiled the hot loops before timing.
  let samples = 0;
  for (let i = 0; i < 200; i++) samples = fn();
  const deadline = performance.now() + secondsPerRow * 1000;
  let iterations = 0;
  const t0 = performance.now();
  while (performance.now() < deadline) {
    for (let i = 0; i < 20; i++) fn();
    iterations += 20;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { name, samples, samplesPerSec: (samples * iterations) / seconds, mbPerSec: (bytes * iterations) / seconds / 1e6 };
}

const cache = new Map<string, Labels>();
const rows = [
  measure('hlmon hot path (series key, cached Labels)', () => hotPath(cache)),
  measure('hlmon full (Labels for every sample)', full),
  measure('parse-prometheus-text-format 1.1.1', npm),
];
const ref = rows[2]!;
console.log(`node_exporter-1.5.txt: ${bytes} bytes, ${rows[0]!.samples} samples; ${secondsPerRow}s per row; node ${process.version}`);
console.log('| parser | samples | samples/s | MB/s | vs npm |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.samples} | ${Math.round(r.samplesPerSec).toLocaleString('en-US')} | ${r.mbPerSec.toFixed(1)} | ${(r.samplesPerSec / ref.samplesPerSec).toFixed(2)}x |`);
}
