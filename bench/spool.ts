/**
 * Spool record cost: what spooling costs per sample when PostgreSQL is slower than the scrapes (overload)
 * or down (outage), in the earlier record format (every sample's label key in its record, JSON) and in the
 * current one (a key dictionary per segment: numbers after a series' first record), side by side.
 *
 *   node --conditions=source --import=tsx bench/spool.ts [targets=100] [rounds=20]
 *
 * Batches are the scraper's: `targets` scrapes of node_exporter 1.5's real /metrics (series labelled with
 * job, instance and target) joined into records of up to 50,000 samples, as the write buffer spools
 * them; the same Labels objects come back every round, as the scraper's cache keeps them. Each row
 * encodes `rounds` rounds of every target (deflate included, on libuv's pool as the spool runs it) and
 * decodes them again in order (inflate, keys to Labels), and prints CPU time of this process per sample
 * (process.cpuUsage: on a shared machine wall time mostly measures the neighbours) and bytes per sample.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Labels, TextParser } from '@hlmon/model';
import type { SampleBatch } from '@hlmon/scraper';
import { decodePayload, encodeRecord, KeyDictionary, type SegmentKeys } from '../scraper/src/write/spool.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const targets = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 20);
const RECORD_SAMPLES = 50_000;

// One target's series: the fixture's samples with the labels the scraper adds.
const text = readFileSync(path.join(root, 'model/test/fixtures/node_exporter-1.5.txt'), 'utf8');
const base: { labels: Labels; v: number }[] = [];
const parser = new TextParser(text);
for (let e = parser.next(); e !== 'eof'; e = parser.next()) if (e === 'series') base.push({ labels: parser.labels(), v: parser.value() });
const perTarget = Array.from({ length: targets }, (_, i) =>
  base.map((s) => s.labels.with('job', 'node').with('instance', `host-${i}.lan:9100`).with('target', `t${i}`)));

/** The records of one round: every target's scrape, joined into records of up to 50,000 samples. */
function round(r: number): SampleBatch[] {
  const out: SampleBatch[] = [];
  let cur: SampleBatch | undefined;
  for (const labels of perTarget) {
    if (!cur || cur.t.length + labels.length > RECORD_SAMPLES) {
      cur = { labels: [], t: [], v: [], id: `r${r}-${out.length}` };
      out.push(cur);
    }
    for (let k = 0; k < labels.length; k++) {
      cur.labels.push(labels[k]!);
      cur.t.push(1_800_000_000_000 + r * 15_000);
      cur.v.push(base[k]!.v + r);
    }
  }
  return out;
}

async function measure(dictionary: boolean): Promise<{ encodeUs: number; decodeUs: number; bytes: number }> {
  const dict = dictionary ? new KeyDictionary() : undefined;
  const batches = Array.from({ length: rounds }, (_, r) => round(r));
  const samples = targets * base.length * rounds;
  let c0 = process.cpuUsage();
  const records: Buffer[] = [];
  for (const recs of batches) for (const b of recs) records.push(await encodeRecord(b, dict));
  let c = process.cpuUsage(c0);
  const encodeUs = (c.user + c.system) / samples;
  const cache = new Map<string, Labels>();
  const keys: SegmentKeys = [];
  c0 = process.cpuUsage();
  let check = 0;
  // Records as the spool holds them: u32 length, u32 crc, payload.
  for (const rec of records) check += (await decodePayload(rec.subarray(8), cache, keys)).t.length;
  c = process.cpuUsage(c0);
  if (check !== samples) throw new Error(`decoded ${check} samples of ${samples}`);
  return { encodeUs, decodeUs: (c.user + c.system) / samples, bytes: records.reduce((a, r) => a + r.length, 0) / samples };
}

const rows: [string, Awaited<ReturnType<typeof measure>>][] = [];
for (let rep = 0; rep < 3; rep++) {
  for (const [name, d] of [['earlier format: every sample\'s key in its record', false], ['segment key dictionary', true]] as const) {
    const r = await measure(d);
    const prev = rows.find((x) => x[0] === name);
    if (!prev) rows.push([name, r]);
    else if (r.encodeUs + r.decodeUs < prev[1].encodeUs + prev[1].decodeUs) prev[1] = r;
  }
}
console.log(`\n${targets} targets x ${base.length} samples x ${rounds} rounds, records of up to ${RECORD_SAMPLES} samples; CPU µs per sample, best of 3\n`);
console.log('| record format | encode µs/sample | decode µs/sample | bytes/sample on disk |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of rows) console.log(`| ${name} | ${r.encodeUs.toFixed(2)} | ${r.decodeUs.toFixed(2)} | ${r.bytes.toFixed(1)} |`);
