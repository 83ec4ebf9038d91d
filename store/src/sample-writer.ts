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

/** Sample columns: parallel arrays of one batch. `values[i] === null` is the staleness marker. */
export interface SampleColumns {
  readonly seriesIds: readonly number[];
  readonly timestamps: readonly number[];
  readonly values: readonly (number | null)[];
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

function writeInt64(buf: Buffer, value: number, offset: number): void {
  // Split a safe integer into two's-complement halves without BigInt, which is several times slower here.
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, offset);
  buf.writeUInt32BE(value - hi * TWO_32, offset + 4);
}

/** Encodes rows [from, to) as PostgreSQL binary COPY tuples. */
function encodeChunk(columns: SampleColumns, from: number, to: number): Buffer {
  const buf = Buffer.allocUnsafe((to - from) * ROW_BYTES);
  let o = 0;
  for (let i = from; i < to; i++) {
    buf.writeInt16BE(3, o); o += 2;
    buf.writeInt32BE(8, o); writeInt64(buf, columns.seriesIds[i]!, o + 4); o += 12;
    buf.writeInt32BE(8, o); writeInt64(buf, columns.timestamps[i]!, o + 4); o += 12;
    const v = columns.values[i];
    if (v === null || v === undefined) {
      buf.writeInt32BE(-1, o); o += 4;
    } else {
      buf.writeInt32BE(8, o); buf.writeDoubleBE(v, o + 4); o += 12;
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
          const v = columns.values[i];
          s += `${columns.seriesIds[i]}\t${columns.timestamps[i]}\t${v === null || v === undefined ? '\\N' : formatFloat(v)}\n`;
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
      const ids = '{' + columns.seriesIds.slice(from, to).join(',') + '}';
      const ts = '{' + columns.timestamps.slice(from, to).join(',') + '}';
      let vs = '{';
      for (let i = from; i < to; i++) {
        const v = columns.values[i];
        if (i > from) vs += ',';
        vs += v === null || v === undefined ? 'NULL' : formatFloat(v);
      }
      vs += '}';
      await conn.query(UNNEST_SQL, [ids, ts, vs]);
    }
  }
}
