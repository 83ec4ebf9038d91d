/**
 * Reading sample rows fast: one binary `COPY (SELECT ...) TO STDOUT` per select, decoded here with plain
 * Buffer reads into per-series columns.
 *
 * Why COPY rather than a SELECT: pg parses every row of a SELECT into a JavaScript array of three parsed text
 * fields, which for tens of thousands of samples costs more than the database's own work (bench/query.ts).
 * Binary COPY sends 38 bytes per sample that decode with a few integer reads, and gives the exact float64 bits
 * back (NaN, ±Inf and -0 included). It also works through pglite-socket, unlike COPY FROM STDIN.
 *
 * Why no ORDER BY: sorting on the server costs more than checking the order here. Rows arrive in physical order,
 * which for scraped data is already time order within each series; a series that arrives out of order (rows
 * in the default partition, late writes) is sorted here, stably, so equal timestamps keep the server's order.
 */
import copyStreams from 'pg-copy-streams';
import { STALE_NAN, emptyFloatArray } from '@hlmon/model';
import type { RawConnection } from './connection.js';
import { StoreError } from './errors.js';

/** The samples of one series as parallel arrays, in ascending time order. */
export interface SampleColumns {
  readonly ts: number[];
  readonly vs: number[];
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_FIXED_BYTES = SIGNATURE.length + 4 + 4;
const TWO_32 = 4294967296;
// Timestamps are stored from safe integers, so clamping a bound to the safe range never drops a sample.
const MAX_T = Number.MAX_SAFE_INTEGER;

/**
 * The COPY statement for `ids` over [startMs, endMs]. COPY takes no bind parameters, so every value is
 * inlined; each is a safe integer formatted by this function, never caller text.
 */
export function sampleCopySql(ids: readonly number[], startMs: number, endMs: number): string {
  for (const id of ids) {
    if (!Number.isSafeInteger(id)) throw new StoreError(`series id ${id} is not an integer`, { code: 'BAD_INPUT' });
  }
  const lo = Math.max(Math.ceil(startMs), -MAX_T);
  const hi = Math.min(Math.floor(endMs), MAX_T);
  return `COPY (SELECT series_id, t, v FROM samples WHERE series_id = ANY('{${ids.join(',')}}'::bigint[]) AND t >= ${lo} AND t <= ${hi}) TO STDOUT (FORMAT binary)`;
}

/**
 * Reads the samples of the series `ids` with timestamps in [startMs, endMs] (both inclusive). Returns one
 * entry per id, in the order of `ids`; a series without samples there has empty arrays. SQL NULL (the staleness
 * marker, see docs/decisions/0002-storage-schema.md) reads back as STALE_NAN.
 */
export async function readSampleColumns(conn: RawConnection, ids: readonly number[], startMs: number, endMs: number): Promise<SampleColumns[]> {
  const out: SampleColumns[] = ids.map(() => ({ ts: [], vs: emptyFloatArray() }));
  if (ids.length === 0 || Math.ceil(startMs) > Math.floor(endMs)) return out;
  const decoder = new CopyDecoder(ids, out);
  const stream = conn.query(copyStreams.to(sampleCopySql(ids, startMs, endMs)));
  for await (const chunk of stream) decoder.push(chunk as Buffer);
  decoder.finish();
  for (const s of out) sortIfNeeded(s);
  return out;
}

/** Decodes a binary COPY stream of (series_id int8, t int8, v float8) rows chunk by chunk. */
class CopyDecoder {
  private readonly slot = new Map<number, SampleColumns>();
  private carry: Buffer | undefined;
  private headerDone = false;
  private ended = false;

  constructor(ids: readonly number[], out: SampleColumns[]) {
    ids.forEach((id, i) => this.slot.set(id, out[i]!));
  }

  push(chunk: Buffer): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    let o = 0;
    if (!this.headerDone) {
      if (buf.length < HEADER_FIXED_BYTES) {
        this.carry = Buffer.from(buf);
        return;
      }
      if (!buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new StoreError('sample read: the server sent no binary COPY signature');
      const extensionBytes = buf.readUInt32BE(SIGNATURE.length + 4);
      if (buf.length < HEADER_FIXED_BYTES + extensionBytes) {
        this.carry = Buffer.from(buf);
        return;
      }
      o = HEADER_FIXED_BYTES + extensionBytes;
      this.headerDone = true;
    }
    // The last series written to, so that runs of one series (the common layout) skip the map lookup.
    let lastId = NaN;
    let cols: SampleColumns | undefined;
    const n = buf.length;
    while (o + 2 <= n) {
      const fields = buf.readInt16BE(o);
      if (fields === -1) {
        this.ended = true;
        return;
      }
      if (fields !== 3) throw new StoreError(`sample read: expected 3 columns per COPY row, got ${fields}`);
      // A full row is 2 + 12 + 12 + 4 bytes, plus 8 when v is not NULL.
      if (o + 30 > n) break;
      const vLen = buf.readInt32BE(o + 26);
      const rowBytes = vLen === 8 ? 38 : 30;
      if (o + rowBytes > n) break;
      const id = buf.readInt32BE(o + 6) * TWO_32 + buf.readUInt32BE(o + 10);
      const t = buf.readInt32BE(o + 18) * TWO_32 + buf.readUInt32BE(o + 22);
      const v = vLen === 8 ? buf.readDoubleBE(o + 30) : STALE_NAN;
      if (id !== lastId) {
        cols = this.slot.get(id);
        if (!cols) throw new StoreError(`sample read: the server sent a row of series ${id}, which was not asked for`);
        lastId = id;
      }
      cols!.ts.push(t);
      cols!.vs.push(v);
      o += rowBytes;
    }
    // A copy, not a view: the stream may reuse the memory behind `chunk` once this call returns.
    if (o < n) this.carry = Buffer.from(buf.subarray(o));
  }

  finish(): void {
    if (!this.ended || this.carry) throw new StoreError('sample read: the binary COPY stream ended early');
  }
}

/** Sorts a series by time when it is not already in order (stable, so equal timestamps keep their order). */
function sortIfNeeded(s: SampleColumns): void {
  const { ts, vs } = s;
  let sorted = true;
  for (let i = 1; i < ts.length; i++) {
    if (ts[i]! < ts[i - 1]!) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  const order = ts.map((_, i) => i).sort((a, b) => ts[a]! - ts[b]! || a - b);
  const t2 = order.map((i) => ts[i]!);
  const v2 = emptyFloatArray();
  for (const i of order) v2.push(vs[i]!);
  for (let i = 0; i < ts.length; i++) {
    ts[i] = t2[i]!;
    vs[i] = v2[i]!;
  }
}
