/**
 * The spool: an append-only on-disk queue of sample batches in the data folder, used while PostgreSQL is
 * slow or down. Files are segments named by a zero-padded sequence number and read in name order.
 *
 * Record format: `u32 payloadBytes | u32 crc32(payload) | payload`, little-endian, where the payload is
 * raw-deflated `u32 headerBytes | JSON header {keys, id} | f64 t[n] | f64 v[n] | u8 stale[n]`. Staleness is a
 * separate byte because V8 may change NaN payload bits in a Float64Array.
 *
 * Durability: every append is fsynced before `append` resolves (appends are grouped by the write buffer,
 * so this is about one fsync per second at full load). The read position is kept in `cursor.json`,
 * replaced atomically (write + rename) after every acknowledged record. A torn record at the end of
 * a segment (crash mid-write) fails its length or checksum and is dropped with everything after it.
 */
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32, deflateRaw, inflateRaw } from 'node:zlib';
import { emptyFloatArray, isStaleNaN, Labels, STALE_NAN } from '@hlmon/model';
import type { SampleBatch } from '../scrape/batch.js';

const SEGMENT_RE = /^(\d{12})\.spool$/;
const SEGMENT_MAX_BYTES = 64 * 1024 * 1024;
const FIRST_SEGMENT = 500_000_000_000;
const LABEL_CACHE_MAX = 2_000_000;
// Compression runs on libuv's thread pool, off the event loop that schedules scrapes.
const deflateAsync = promisify(deflateRaw);
const inflateAsync = promisify(inflateRaw);

/** Where a record lies, to acknowledge it. */
export interface SpoolPosition {
  readonly segment: number;
  /** Offset just after the record. */
  readonly next: number;
}

/** Encodes a batch as one record. */
export async function encodeRecord(batch: SampleBatch): Promise<Buffer> {
  const n = batch.t.length;
  const header = Buffer.from(JSON.stringify({ keys: batch.labels.map((l) => l.key), id: batch.id }), 'utf8');
  const body = Buffer.alloc(4 + header.length + n * 17);
  body.writeUInt32LE(header.length, 0);
  header.copy(body, 4);
  let o = 4 + header.length;
  for (let i = 0; i < n; i++, o += 8) body.writeDoubleLE(batch.t[i]!, o);
  for (let i = 0; i < n; i++, o += 8) body.writeDoubleLE(isStaleNaN(batch.v[i]!) ? 0 : batch.v[i]!, o);
  for (let i = 0; i < n; i++, o++) body[o] = isStaleNaN(batch.v[i]!) ? 1 : 0;
  const payload = await deflateAsync(body, { level: 1 });
  const rec = Buffer.alloc(8 + payload.length);
  rec.writeUInt32LE(payload.length, 0);
  rec.writeUInt32LE(crc32(payload), 4);
  payload.copy(rec, 8);
  return rec;
}

/**
 * Decodes a record payload back into a batch. `labelCache` maps label keys to Labels across records:
 * the same series recur in every scrape, and parsing a key costs far more than a lookup.
 */
export async function decodePayload(payload: Buffer, labelCache: Map<string, Labels> = new Map()): Promise<SampleBatch> {
  const body = await inflateAsync(payload);
  const hl = body.readUInt32LE(0);
  const { keys, id } = JSON.parse(body.subarray(4, 4 + hl).toString('utf8')) as { keys: string[]; id?: string };
  const n = keys.length;
  const cache = labelCache;
  const labels = keys.map((k) => {
    let l = cache.get(k);
    if (!l) { l = Labels.fromKey(k); cache.set(k, l); }
    return l;
  });
  // Arrays are filled by push: V8 canonicalises NaN payloads in holey double arrays (new Array(n)),
  // which would turn staleness markers into ordinary NaNs.
  const t: number[] = [];
  // A double array from the start: see emptyFloatArray (a first value that is a marker would lose its bits).
  const v: number[] = emptyFloatArray();
  let o = 4 + hl;
  const staleAt = o + 16 * n;
  for (let i = 0; i < n; i++, o += 8) t.push(body.readDoubleLE(o));
  for (let i = 0; i < n; i++, o += 8) v.push(body[staleAt + i] === 1 ? STALE_NAN : body.readDoubleLE(o));
  return id === undefined ? { labels, t, v } : { labels, t, v, id };
}

/**
 * An append-only, crash-safe queue of batches on disk. One process per folder; the caller serialises
 * calls (the write buffer runs them one at a time).
 */
export class Spool {
  private segments: number[] = [];
  /** Read offset per segment (absent = 0). */
  private offsets = new Map<number, number>();
  private pendingBytes = 0;
  /** The open segment being read. */
  private reading: { segment: number; fh: FileHandle } | undefined;
  /** Labels by key across records (bounded: cleared when it grows past LABEL_CACHE_MAX). */
  private readonly labelCache = new Map<string, Labels>();

  private constructor(readonly dir: string) {}

  /** Opens (creating) the spool folder and finds what is left from earlier runs. */
  static async open(dir: string): Promise<Spool> {
    await mkdir(dir, { recursive: true });
    const s = new Spool(dir);
    await s.scan();
    return s;
  }

  private file(segment: number): string {
    return path.join(this.dir, `${String(segment).padStart(12, '0')}.spool`);
  }

  private async scan(): Promise<void> {
    this.segments = (await readdir(this.dir)).map((f) => SEGMENT_RE.exec(f)).filter((m) => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
    let saved: Record<string, number> = {};
    try {
      saved = JSON.parse(await readFile(path.join(this.dir, 'cursor.json'), 'utf8')) as Record<string, number>;
    } catch {
      saved = {};
    }
    this.offsets = new Map();
    this.pendingBytes = 0;
    for (const seg of [...this.segments]) {
      const size = (await stat(this.file(seg))).size;
      const offset = saved[String(seg)] ?? 0;
      // A segment read to its end was consumed; a crash before its deletion leaves it behind.
      if (offset >= size) {
        await this.dropSegment(seg);
        continue;
      }
      if (offset > 0) this.offsets.set(seg, offset);
      this.pendingBytes += size - offset;
    }
  }

  /** True when no record waits. */
  get empty(): boolean {
    return this.segments.length === 0;
  }

  /** Bytes of records not yet acknowledged. */
  get bytes(): number {
    return this.pendingBytes;
  }

  /** Appends batches as records at the end (newest); fsyncs before resolving. */
  async append(batches: readonly SampleBatch[]): Promise<void> {
    if (batches.length === 0) return;
    const data = Buffer.concat(await Promise.all(batches.map(encodeRecord)));
    let seg = this.segments.at(-1);
    if (seg === undefined || (await this.sizeOf(seg)) + data.length > SEGMENT_MAX_BYTES) {
      seg = seg === undefined ? FIRST_SEGMENT : seg + 1;
      this.segments.push(seg);
    }
    await this.writeSynced(this.file(seg), data, 'a');
    this.pendingBytes += data.length;
  }

  /**
   * Puts batches in front of everything spooled (they are older): used on shutdown for batches still
   * in memory while newer ones are already on disk.
   */
  async prepend(batches: readonly SampleBatch[]): Promise<void> {
    if (batches.length === 0) return;
    const first = this.segments[0];
    const seg = first === undefined ? FIRST_SEGMENT : first - 1;
    const data = Buffer.concat(await Promise.all(batches.map(encodeRecord)));
    await this.writeSynced(this.file(seg), data, 'w');
    this.segments.unshift(seg);
    this.pendingBytes += data.length;
  }

  /** Size of a segment file; 0 when it does not exist yet (the append creates it). */
  private async sizeOf(segment: number): Promise<number> {
    try {
      return (await stat(this.file(segment))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
  }

  private async writeSynced(file: string, data: Buffer, flags: 'a' | 'w'): Promise<void> {
    const fh = await open(file, flags);
    try {
      await fh.write(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /** The oldest unacknowledged record, or undefined when the spool is empty. */
  async peek(): Promise<{ batch: SampleBatch; position: SpoolPosition } | undefined> {
    while (this.segments.length > 0) {
      const seg = this.segments[0]!;
      const offset = this.offsets.get(seg) ?? 0;
      if (this.reading?.segment !== seg) {
        await this.reading?.fh.close();
        this.reading = { segment: seg, fh: await open(this.file(seg), 'r') };
      }
      // Records are read one at a time at their offset, so a long segment is never read whole.
      const fh = this.reading.fh;
      const head = Buffer.alloc(8);
      const got = (await fh.read(head, 0, 8, offset)).bytesRead;
      if (got === 8) {
        const len = head.readUInt32LE(0);
        const payload = Buffer.alloc(len);
        const n = (await fh.read(payload, 0, len, offset + 8)).bytesRead;
        if (n === len && crc32(payload) === head.readUInt32LE(4)) {
          if (this.labelCache.size > LABEL_CACHE_MAX) this.labelCache.clear();
          return { batch: await decodePayload(payload, this.labelCache), position: { segment: seg, next: offset + 8 + len } };
        }
      }
      // Consumed, or a torn or corrupt tail: nothing more can be read from this segment. Appends are
      // serialised with reads by the caller, so nothing is being written to it right now.
      await this.dropSegment(seg);
      await this.saveOffsets();
    }
    return undefined;
  }

  /** Acknowledges the record returned by `peek` (it is stored); persists the read position. */
  async ack(position: SpoolPosition): Promise<void> {
    const before = this.offsets.get(position.segment) ?? 0;
    this.pendingBytes = Math.max(0, this.pendingBytes - (position.next - before));
    this.offsets.set(position.segment, position.next);
    await this.saveOffsets();
  }

  private async saveOffsets(): Promise<void> {
    const tmp = path.join(this.dir, 'cursor.json.tmp');
    await writeFile(tmp, JSON.stringify(Object.fromEntries(this.offsets)));
    await rename(tmp, path.join(this.dir, 'cursor.json'));
  }

  /** Closes the open read handle (the spool can be used again; it reopens on demand). */
  async close(): Promise<void> {
    await this.reading?.fh.close();
    this.reading = undefined;
  }

  private async dropSegment(seg: number): Promise<void> {
    this.segments = this.segments.filter((s) => s !== seg);
    this.offsets.delete(seg);
    if (this.reading?.segment === seg) {
      await this.reading.fh.close();
      this.reading = undefined;
    }
    await rm(this.file(seg), { force: true });
    if (this.segments.length === 0) this.pendingBytes = 0;
  }
}
