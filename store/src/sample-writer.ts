/**
 * Writing sample rows: binary COPY where the server supports it (real PostgreSQL), `unnest` arrays where it
 * does not (PGlite behind pglite-socket loses protocol synchronisation on COPY FROM STDIN).
 *
 * Value encoding: the staleness marker is written as SQL NULL (`null` in `values`), every other value as the
 * float64 it is. Binary COPY sends the raw IEEE-754 bits; the unnest path sends text that float8in parses
 * back exactly (shortest round-trip digits, with -0, NaN and ±Infinity spelled out).
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import copyStreams from 'pg-copy-streams';
import type { RawConnection } from './connection.js';

/**
 * Sample columns: parallel arrays of one batch, as long as `seriesIds`. The staleness marker is `null` in
 * `values`, or a nonzero `stale[i]`: typed arrays (what the appender keeps, see appender.ts) cannot hold
 * null, and a NaN's payload does not survive every JavaScript container.
 */
export interface SampleColumns {
  readonly seriesIds: ArrayLike<number>;
  readonly timestamps: ArrayLike<number>;
  readonly values: ArrayLike<number | null>;
  readonly stale?: ArrayLike<number>;
}

/** True when sample `i` of `columns` is the staleness marker. */
function isStale(columns: SampleColumns, i: number): boolean {
  const v = columns.values[i];
  return v === null || v === undefined || (columns.stale !== undefined && columns.stale[i] !== 0);
}

const TWO_21 = 2097152;
const TWO_32_ID = 4294967296;

/**
 * The rows of `columns` ordered by series id (appended order among a series' own rows). PostgreSQL inserts
 * every row into the `(series_id, t)` index with a descent to the leaf that holds the series' latest
 * entries; in id order, one commit visits each leaf once, in index order, instead of hopping across the
 * index (a commit holds a hundred targets' scrapes, and one target's series are spread over the index:
 * ids are handed out per commit, in key order across the targets of that commit). Measured with an index
 * larger than shared_buffers (512,000 series, 30 rows each, commits of 51,200 rows): 81-161k rows/s
 * sorted against 50-95k as scraped, round by round.
 */
export function orderBySeries(columns: SampleColumns): SampleColumns {
  const { seriesIds, timestamps, values } = columns;
  const n = seriesIds.length;
  if (n < 2) return columns;
  let sorted = true;
  let small = n < TWO_21;
  for (let i = 0; i < n; i++) {
    const id = seriesIds[i]!;
    if (i > 0 && id < seriesIds[i - 1]!) sorted = false;
    if (id >= TWO_32_ID || id < 0) small = false;
  }
  if (sorted) return columns;
  let order: ArrayLike<number>;
  if (small) {
    // id * 2^21 + position is exact in a double and sorts by id, then position: Float64Array's own sort
    // (numeric, native, no comparator calls) does the work.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = seriesIds[i]! * TWO_21 + i;
    keys.sort();
    const o = new Uint32Array(n);
    for (let i = 0; i < n; i++) o[i] = keys[i]! % TWO_21;
    order = o;
  } else {
    order = Array.from({ length: n }, (_, i) => i).sort((a, b) => seriesIds[a]! - seriesIds[b]! || a - b);
  }
  const ids = new Float64Array(n), ts = new Float64Array(n), vs = new Float64Array(n), st = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    ids[i] = seriesIds[j]!;
    ts[i] = timestamps[j]!;
    if (isStale(columns, j)) st[i] = 1;
    else vs[i] = values[j]!;
  }
  return { seriesIds: ids, timestamps: ts, values: vs, stale: st };
}

/** Writes sample rows on a connection, inside the caller's transaction. */
export interface SampleWriter {
  /** Short name for logs and benchmarks. */
  readonly name: string;
  /** Inserts every row of `columns`. */
  write(conn: RawConnection, columns: SampleColumns): Promise<void>;
}

const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const ROW_BYTES = 2 + 3 * (4 + 8);
const ROWS_PER_CHUNK = 16384;
const TWO_32 = 4294967296;

/** Encodes rows [from, to) as PostgreSQL binary COPY tuples. */
function encodeChunk(columns: SampleColumns, from: number, to: number): Buffer {
  const buf = Buffer.allocUnsafe((to - from) * ROW_BYTES);
  // A DataView rather than Buffer's writeInt32BE & co.: those check their arguments on every call, and this
  // loop runs once per sample on the scraper's hot path.
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const { seriesIds, timestamps, values } = columns;
  let o = 0;
  for (let i = from; i < to; i++) {
    dv.setInt16(o, 3); o += 2;
    // int8 as two's-complement halves without BigInt, which is several times slower here.
    const id = seriesIds[i]!;
    const idHi = Math.floor(id / TWO_32);
    dv.setInt32(o, 8); dv.setInt32(o + 4, idHi); dv.setUint32(o + 8, id - idHi * TWO_32); o += 12;
    const t = timestamps[i]!;
    const tHi = Math.floor(t / TWO_32);
    dv.setInt32(o, 8); dv.setInt32(o + 4, tHi); dv.setUint32(o + 8, t - tHi * TWO_32); o += 12;
    if (isStale(columns, i)) {
      dv.setInt32(o, -1); o += 4;
    } else {
      dv.setInt32(o, 8); dv.setFloat64(o + 4, values[i]!); o += 12;
    }
  }
  return o === buf.length ? buf : buf.subarray(0, o);
}

function* binaryCopyChunks(columns: SampleColumns): Generator<Buffer> {
  const header = Buffer.alloc(COPY_SIGNATURE.length + 8);
  COPY_SIGNATURE.copy(header, 0);
  yield header; // flags and header-extension length are both zero
  const n = columns.seriesIds.length;
  for (let from = 0; from < n; from += ROWS_PER_CHUNK) yield encodeChunk(columns, from, Math.min(n, from + ROWS_PER_CHUNK));
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  yield trailer;
}

/** Binary COPY FROM STDIN (pg-copy-streams). */
export class BinaryCopyWriter implements SampleWriter {
  readonly name = 'copy-binary';

  async write(conn: RawConnection, columns: SampleColumns): Promise<void> {
    const stream = conn.query(copyStreams.from('COPY samples (series_id, t, v) FROM STDIN (FORMAT binary)'));
    await pipeline(Readable.from(binaryCopyChunks(columns)), stream);
  }
}

/** The text spelling of a float64 that float8in reads back to the same bits. */
export function formatFloat(v: number): string {
  // String(-0) is "0"; every other number (NaN, Infinity, subnormals) prints in a form float8in accepts exactly.
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Text COPY FROM STDIN, measured against binary in bench/store-ingest.ts. */
export class TextCopyWriter implements SampleWriter {
  readonly name = 'copy-text';

  async write(conn: RawConnection, columns: SampleColumns): Promise<void> {
    const stream = conn.query(copyStreams.from('COPY samples (series_id, t, v) FROM STDIN'));
    function* lines(): Generator<string> {
      const n = columns.seriesIds.length;
      for (let from = 0; from < n; from += ROWS_PER_CHUNK) {
        let s = '';
        for (let i = from; i < Math.min(n, from + ROWS_PER_CHUNK); i++) {
          s += `${columns.seriesIds[i]}\t${columns.timestamps[i]}\t${isStale(columns, i) ? '\\N' : formatFloat(columns.values[i]!)}\n`;
        }
        yield s;
      }
    }
    await pipeline(Readable.from(lines()), stream);
  }
}

const UNNEST_SQL = 'INSERT INTO samples (series_id, t, v) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[])';
const ROWS_PER_STATEMENT = 50000;

/** `INSERT ... SELECT FROM unnest(...)` with the arrays sent as text literals, in statements of 50,000 rows. */
export class UnnestWriter implements SampleWriter {
  readonly name = 'unnest';

  async write(conn: RawConnection, columns: SampleColumns): Promise<void> {
    const n = columns.seriesIds.length;
    for (let from = 0; from < n; from += ROWS_PER_STATEMENT) {
      const to = Math.min(n, from + ROWS_PER_STATEMENT);
      // Array literals built by hand: pg's generic array serialiser would print -0 as 0.
      const ids = '{' + Array.prototype.slice.call(columns.seriesIds, from, to).join(',') + '}';
      const ts = '{' + Array.prototype.slice.call(columns.timestamps, from, to).join(',') + '}';
      let vs = '{';
      for (let i = from; i < to; i++) {
        if (i > from) vs += ',';
        vs += isStale(columns, i) ? 'NULL' : formatFloat(columns.values[i]!);
      }
      vs += '}';
      await conn.query(UNNEST_SQL, [ids, ts, vs]);
    }
  }
}
