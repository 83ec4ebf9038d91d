/**
 * Text-format parser throughput on node_exporter 1.5's real /metrics output, ours side by side with the
 * npm package parse-prometheus-text-format in the same run.
 *
 * Run: node --conditions=source --import=tsx bench/parser.ts [seconds-per-row]
 *
 * Every row reads the same rotation of four texts: the fixture with the last digit of every plain
 * decimal value changed (the same series, other values), as successive scrapes of one target look.
 *
 * Rows:
 * - "scraper path, TextCache": the parser calls scraper/src/scrape/loop.ts makes per scrape, with the
 *   target's TextCache: next(); for a series cachedEntry(), and on a miss labels() and setCachedEntry();
 *   value(), timestampMs(); for TYPE and HELP lines metaName() and type() or help(). What the scraper
 *   does with the results (relabeling, the metadata map, the sample batch) is not included.
 * - "churn": the same over texts where every 20th series has an extra label, a different twentieth in
 *   each text: every scrape 5% of the series texts change and the previous scrape's 5% change back,
 *   so 10% are not in the cache (misses, labels(), lines found elsewhere).
 * - "scraper path before TextCache": the same calls with what the scraper did before (commit 8b99d0d:
 *   a Map keyed by series(), no TextCache), for comparison.
 * - "parser hot path, no cache": next(), series(), value(), timestampMs(), no cache (the parser alone).
 * - "full parse": the pull parser building Labels (sorted, unescaped) for every sample, no cache.
 * - "parseAll": the whole-document view: families, Labels and the exposed label pairs per sample.
 * - "parse-prometheus-text-format": the npm parser's only mode (it builds objects for every sample).
 *
 * Throughput is measured in CPU time of this process (process.cpuUsage), best of several rounds per
 * row, rows interleaved: on a shared machine wall time mostly measures the neighbours.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Labels, TextCache, TextParser, parseAll, type MetricType } from '@hlmon/model';

const require = createRequire(import.meta.url);
const npmParse = require('parse-prometheus-text-format') as (text: string) => NpmFamily[];

interface NpmFamily {
  metrics: Array<{ value?: string; quantiles?: object; buckets?: object; count?: string; sum?: string }>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixture = readFileSync(path.join(root, 'model/test/fixtures/node_exporter-1.5.txt'), 'utf8');
const bytes = Buffer.byteLength(fixture);
const secondsPerRow = Number(process.argv[2] ?? 4);

/** The fixture with the last mantissa digit of every plain decimal value moved by `k`: other values, same series. */
function withOtherValues(text: string, k: number): string {
  return text.replace(/^([^#\n][^\n]*?[} ]|[a-zA-Z_:][a-zA-Z0-9_:]* )(-?\d+(?:\.\d+)?)((?:e[-+]\d+)?(?: \d+)?)$/gm,
    (_m, head: string, num: string, tail: string) => head + num.slice(0, -1) + String((Number(num.slice(-1)) + k) % 10) + tail);
}
// Fresh strings from Buffers, as the HTTP client hands them over (not slices of one another).
const texts = [0, 1, 2, 3].map((k) => Buffer.from(withOtherValues(fixture, k)).toString('utf8'));
const changedLines = (() => {
  const a = texts[0]!.split('\n'), b = texts[1]!.split('\n');
  return a.filter((l, i) => l !== b[i]).length;
})();
let turn = 0;
/** The next text of the rotation. */
function nextText(): string {
  turn = (turn + 1) & 3;
  return texts[turn]!;
}

/**
 * The rotation with churn: in text k every 20th series (a different twentieth per text) has an extra
 * label, so each scrape changes 5% of the series texts and changes the previous scrape's 5% back.
 */
const churnTexts = texts.map((t, k) => {
  let i = 0;
  const out = t.replace(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{?)/gm, (m, name: string, brace: string) => {
    if (i++ % 20 !== k) return m;
    return brace === '' ? `${name}{churn="${k}"}` : `${name}{churn="${k}",`;
  });
  return Buffer.from(out).toString('utf8');
});
let churnTurn = 0;
function nextChurnText(): string {
  churnTurn = (churnTurn + 1) & 3;
  return churnTexts[churnTurn]!;
}

interface Entry { labels: Labels }

/** Sinks for metadata, so that the calls are not optimised away; the scraper keeps them in a Map. */
let metaSink = 0;
function useMeta(name: string, what: string | MetricType): void {
  metaSink += name.length + what.length;
}

/** The parser calls of scraper/src/scrape/loop.ts appendScrape, with the target's TextCache. */
function scraperPath(cache: TextCache<Entry>, text: string): number {
  const p = new TextParser(text, 'prometheus', { cache });
  let n = 0;
  let sink = 0;
  for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
    if (kind !== 'series') {
      if (kind === 'type') useMeta(p.metaName(), p.type());
      else if (kind === 'help') useMeta(p.metaName(), p.help());
      continue;
    }
    let entry = p.cachedEntry();
    if (entry === undefined) {
      entry = { labels: p.labels() };
      p.setCachedEntry(entry);
    }
    sink += p.value() + (p.timestampMs() ?? 0) + entry.labels.size;
    n++;
  }
  if (sink === 42.4242) console.log('unreachable');
  return n;
}

/**
 * What appendScrape did just before TextCache (commit 8b99d0d): one Map from series() to an entry that
 * carries the number of the last scrape that had it, labels() on a miss, unseen texts deleted when the
 * Map holds more than the scrape had.
 */
let scrapeNo = 0;
function scraperPathMap(mapCache: Map<string, Entry & { seen: number }>, text: string): number {
  const p = new TextParser(text);
  const no = ++scrapeNo;
  let texts = 0;
  let n = 0;
  let sink = 0;
  for (let kind = p.next(); kind !== 'eof'; kind = p.next()) {
    if (kind !== 'series') {
      if (kind === 'type') useMeta(p.metaName(), p.type());
      else if (kind === 'help') useMeta(p.metaName(), p.help());
      continue;
    }
    const key = p.series();
    let entry = mapCache.get(key);
    if (entry === undefined) {
      entry = { labels: p.labels(), seen: 0 };
      mapCache.set(key, entry);
    }
    if (entry.seen !== no) {
      entry.seen = no;
      texts++;
    }
    sink += p.value() + (p.timestampMs() ?? 0) + entry.labels.size;
    n++;
  }
  if (mapCache.size > texts) for (const [k, e] of mapCache) if (e.seen !== no) mapCache.delete(k);
  if (sink === 42.4242) console.log('unreachable');
  return n;
}

function bare(): number {
  const p = new TextParser(nextText());
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
  const p = new TextParser(nextText(), 'prometheus', { checkNames: 'eager' });
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
  for (const f of parseAll(nextText())) n += f.samples.length;
  return n;
}

function npm(): number {
  let n = 0;
  for (const f of npmParse(nextText())) {
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

const textCache = new TextCache<Entry>();
const churnCache = new TextCache<Entry>();
const mapCache = new Map<string, Entry & { seen: number }>();
const churnMapCache = new Map<string, Entry & { seen: number }>();
const rows: Row[] = [
  { name: 'hlmon scraper path, TextCache (cachedEntry(), Labels on miss, metadata)', fn: () => scraperPath(textCache, nextText()), samples: 0, bestSamplesPerCpuSec: 0 },
  { name: 'the same with churn (10% of series texts new in every scrape)', fn: () => scraperPath(churnCache, nextChurnText()), samples: 0, bestSamplesPerCpuSec: 0 },
  { name: 'hlmon scraper path before TextCache (Map on series(), metadata)', fn: () => scraperPathMap(mapCache, nextText()), samples: 0, bestSamplesPerCpuSec: 0 },
  { name: 'the same with churn (10% of series texts new in every scrape)', fn: () => scraperPathMap(churnMapCache, nextChurnText()), samples: 0, bestSamplesPerCpuSec: 0 },
  { name: 'hlmon parser hot path, no cache (series(), value, timestamp)', fn: bare, samples: 0, bestSamplesPerCpuSec: 0 },
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
console.log(`node_exporter-1.5.txt: ${bytes} bytes, ${rows[0]!.samples} samples, 4 texts in rotation (${changedLines} lines differ between two of them); best of ${rounds} rounds of ${budgetMs.toFixed(0)} ms CPU per row; node ${process.version}`);
console.log('| parser | samples | samples/s | MB/s | vs npm |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) {
  const perSec = r.bestSamplesPerCpuSec;
  const mbPerSec = (perSec / r.samples) * bytes / 1e6;
  console.log(`| ${r.name} | ${r.samples} | ${Math.round(perSec).toLocaleString('en-US')} | ${mbPerSec.toFixed(1)} | ${(perSec / ref.bestSamplesPerCpuSec).toFixed(2)}x |`);
}
if (metaSink === 42) console.log('unreachable');

/**
 * Heap kept per target between scrapes: 200 targets, each scraped twice, their caches kept. Target t's
 * texts have its own metric names (node_ -> n<t>_) so that no two targets share a string.
 */
function heapPerTargetKB(kind: 'textcache' | 'map'): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const targets = 200;
  const kept: unknown[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let t = 0; t < targets; t++) {
    const own = texts.map((x) => Buffer.from(x.replaceAll('node_', `n${t}_`)).toString('utf8'));
    if (kind === 'textcache') {
      const cache = new TextCache<Entry>();
      scraperPath(cache, own[0]!);
      scraperPath(cache, own[1]!);
      kept.push(cache);
    } else {
      const cache = new Map<string, Entry & { seen: number }>();
      scraperPathMap(cache, own[0]!);
      scraperPathMap(cache, own[1]!);
      kept.push(cache);
    }
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  if (kept.length !== targets) console.log('unreachable');
  return (after - before) / targets / 1024;
}
const heapMap = heapPerTargetKB('map');
const heapTextCache = heapPerTargetKB('textcache');
console.log('');
console.log('| scrape cache | heap kept per target (KB) |');
console.log('|---|---:|');
console.log(`| TextCache (series and metadata lines, runs) | ${heapTextCache.toFixed(0)} |`);
console.log(`| Map on series() (before) | ${heapMap.toFixed(0)} |`);
