/**
 * Ingest throughput of the store's Appender next to a raw bulk load of the same rows, in the same run, on
 * PostgreSQL (a fresh database on 127.0.0.1:5432) and on the embedded PGlite (a temporary folder).
 *
 *   node --conditions=source --import=tsx bench/store-ingest.ts [series=1000] [samplesPerSeries=500] [reps=3]
 *
 * Reference on PostgreSQL: binary COPY of pre-resolved (series_id, t, v) rows through pg-copy-streams on one
 * connection, encoding included. Reference on PGlite: one INSERT ... SELECT FROM unnest per 50,000 rows,
 * because COPY FROM STDIN does not work through pglite-socket. The Appender additionally resolves labels to
 * series ids (cache hits after the first commit) and buffers per sample. `samples` is truncated before every
 * measurement so that index growth does not favour either side.
 */
import { Labels } from '@hlmon/model';
import { BinaryCopyWriter, TextCopyWriter, UnnestWriter, openStore, type SampleColumns, type SampleWriter, type Store } from '@hlmon/store';
import { freshPostgresDatabase, tempDir } from '@hlmon/testkit';
import type pg from 'pg';

const SERIES = Number(process.argv[2] ?? 1000);
const PER_SERIES = Number(process.argv[3] ?? 500);
const REPS = Number(process.argv[4] ?? 3);
const ROWS = SERIES * PER_SERIES;
const T0 = Date.UTC(2026, 10, 26);

interface Row {
  engine: string;
  method: string;
  rowsPerSec: number[];
}

function labelsFor(): Labels[] {
  return Array.from({ length: SERIES }, (_, s) => Labels.from({ __name__: 'bench_metric', instance: `host-${s % 50}:9100`, series: String(s), job: 'bench' }));
}

function valueOf(k: number, s: number): number {
  return (k * 31 + s) * 0.25;
}

async function truncate(store: Store): Promise<void> {
  await store.knex.raw('TRUNCATE samples');
}

async function timeAppender(store: Store, labels: Labels[]): Promise<number> {
  const start = process.hrtime.bigint();
  const app = store.appender();
  for (let k = 0; k < PER_SERIES; k++) for (let s = 0; s < SERIES; s++) app.append(labels[s]!, T0 + k * 15_000, valueOf(k, s));
  await app.commit();
  return ROWS / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function timeRaw(store: Store, writer: SampleWriter, ids: number[]): Promise<number> {
  const client = store.knex.client as unknown as { acquireConnection(): Promise<pg.Client>; releaseConnection(c: pg.Client): Promise<void> };
  const conn = await client.acquireConnection();
  try {
    const start = process.hrtime.bigint();
    const seriesIds: number[] = [], timestamps: number[] = [], values: number[] = [];
    for (let k = 0; k < PER_SERIES; k++) {
      for (let s = 0; s < SERIES; s++) {
        seriesIds.push(ids[s]!);
        timestamps.push(T0 + k * 15_000);
        values.push(valueOf(k, s));
      }
    }
    const columns: SampleColumns = { seriesIds, timestamps, values };
    await conn.query('BEGIN');
    await writer.write(conn, columns);
    await conn.query('COMMIT');
    return ROWS / (Number(process.hrtime.bigint() - start) / 1e9);
  } finally {
    await client.releaseConnection(conn);
  }
}

async function benchEngine(engine: 'postgres' | 'pglite', rows: Row[]): Promise<void> {
  const db = engine === 'postgres' ? await freshPostgresDatabase() : undefined;
  const dir = engine === 'pglite' ? await tempDir('hlmon-bench-') : undefined;
  const stores: Store[] = [];
  try {
    const store = await openStore(db ? { url: db.url } : { dataDir: dir!.path });
    stores.push(store);
    await store.migrate();
    const labels = labelsFor();
    // First commit: creates every series (cold cache), then warm runs.
    const cold = await timeAppender(store, labels);
    rows.push({ engine, method: 'appender, new series (first commit)', rowsPerSec: [cold] });
    const ids = ((await store.knex.raw(`SELECT id FROM series WHERE metric = 'bench_metric' ORDER BY (labels->>'series')::int`)).rows as { id: number }[]).map((r) => r.id);

    const variants: { method: string; run: () => Promise<number> }[] = engine === 'postgres'
      ? [
          { method: 'raw COPY binary (reference)', run: () => timeRaw(store, new BinaryCopyWriter(), ids) },
          { method: 'raw COPY text', run: () => timeRaw(store, new TextCopyWriter(), ids) },
          { method: 'appender (copy-binary)', run: () => timeAppender(store, labels) },
        ]
      : [
          { method: 'raw unnest INSERT (reference)', run: () => timeRaw(store, new UnnestWriter(), ids) },
          { method: 'appender (unnest)', run: () => timeAppender(store, labels) },
        ];
    if (engine === 'postgres') {
      // The Appender with text COPY, on a second store over the same database, to compare encodings.
      const textStore = await openStore({ url: db!.url, sampleWriter: new TextCopyWriter() });
      stores.push(textStore);
      variants.push({ method: 'appender (copy-text)', run: () => timeAppender(textStore, labels) });
    }
    const results = new Map(variants.map((v) => [v.method, [] as number[]]));
    for (let rep = 0; rep < REPS; rep++) {
      for (const v of variants) {
        await truncate(store);
        results.get(v.method)!.push(await v.run());
      }
    }
    for (const v of variants) rows.push({ engine, method: v.method, rowsPerSec: results.get(v.method)! });
  } finally {
    for (const s of stores) await s.close();
    await db?.drop();
    await dir?.remove();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const rows: Row[] = [];
await benchEngine('postgres', rows);
await benchEngine('pglite', rows);

console.log(`\nstore ingest: ${SERIES} series x ${PER_SERIES} samples = ${ROWS.toLocaleString('en')} rows per run, ${REPS} reps, median rows/s\n`);
const header = ['engine', 'method', 'median rows/s', 'runs (rows/s)', 'vs reference'];
const table = rows.map((r) => {
  const ref = rows.find((x) => x.engine === r.engine && x.method.endsWith('(reference)'))!;
  return [r.engine, r.method, Math.round(median(r.rowsPerSec)).toLocaleString('en'), r.rowsPerSec.map((x) => Math.round(x).toLocaleString('en')).join(' / '), `${((median(r.rowsPerSec) / median(ref.rowsPerSec)) * 100).toFixed(0)}%`];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i !== 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of table) console.log(line(r));
