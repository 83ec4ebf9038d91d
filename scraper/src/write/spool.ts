/**
 * The spool: an append-only on-disk queue of sample batches in the data folder, used while PostgreSQL is
 * slow or down. Files are segments named by a zero-padded sequence number and read in name order.
 *
 * Record format: `u32 payloadBytes | u32 crc32(payload) | payload`, little-endian, where the payload is
 * raw-deflated columns: series as numbers in the segment's key dictionary (see encodeRecord), timestamps,
 * values, and a staleness byte per sample (V8 may change NaN payload bits in a Float64Array). A record
 * carries the keys its segment had not had before, so a reader rebuilds a segment's dictionary by reading
 * it from its start.
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

/**
 * Marks a record of the dictionary format: a first word that the older format (a JSON header's length) can
 * never hold.
 */
const DICT_MAGIC = 0xffffffff;
const TWO_32 = 4294967296;

/**
 * The key dictionary of the segment being appended to. A record lists only the label keys its segment has
 * not had yet and refers to every series by its number in the segment, so a target spooled scrape after
 * scrape writes its keys once per segment instead of once per sample: at overload, JSON-encoding and
 * deflating ~100 bytes of key per sample made spooling (and replaying) several times dearer than writing to
 * PostgreSQL, and throughput collapsed once the memory buffer was full.
 */
export class KeyDictionary {
  private readonly numbers = new Map<string, number>();
  private static generations = 0;
  /** Told apart from other dictionaries in the number memoised on Labels objects. */
  private readonly generation = ++KeyDictionary.generations;
  private static readonly memo = Symbol('spool key number');

  /** Keys so far. */
  get size(): number {
    return this.numbers.size;
  }

  /** The number of `labels` in this dictionary, adding its key to `added` when it is new. */
  numberOf(labels: Labels, added: string[]): number {
    const memo = (labels as unknown as Record<symbol, number | undefined>)[KeyDictionary.memo];
    if (memo !== undefined && Math.floor(memo / TWO_32) === this.generation) return memo - this.generation * TWO_32;
    const key = labels.key;
    let n = this.numbers.get(key);
    if (n === undefined) {
      n = this.numbers.size;
      this.numbers.set(key, n);
      added.push(key);
    }
    // A property read instead of a lookup in a map of up to half a million long keys (as SeriesIndex does).
    if (Object.isExtensible(labels) || Object.prototype.hasOwnProperty.call(labels, KeyDictionary.memo)) {
      Object.defineProperty(labels, KeyDictionary.memo, { value: this.generation * TWO_32 + n, writable: true, enumerable: false, configurable: true });
    }
    return n;
  }
}

/**
 * Encodes a batch as one record. With a dictionary (every record the spool writes now), the payload is
 * `u32 DICT_MAGIC | u32 headerBytes | JSON header {id, base, keys} | u32 key number[n] | f64 t[n] | f64 v[n] |
 * u8 stale[n]`, where `keys` are the keys new to the segment, numbered from `base`. Without one, the older
 * format: `u32 headerBytes | JSON header {keys, id} | f64 t[n] | f64 v[n] | u8 stale[n]` (still read, so a
 * spool left by an earlier version replays). The numbers are taken synchronously, before the first await,
 * so records encoded in call order number their keys in that order.
 */
export async function encodeRecord(batch: SampleBatch, dict?: KeyDictionary): Promise<Buffer> {
  const n = batch.t.length;
  let body: Buffer;
  let o: number;
  if (dict) {
    const base = dict.size;
    const added: string[] = [];
    const numbers = new Uint32Array(n);
    for (let i = 0; i < n; i++) numbers[i] = dict.numberOf(batch.labels[i]!, added);
    const header = Buffer.from(JSON.stringify({ id: batch.id, base, keys: added }), 'utf8');
    body = Buffer.allocUnsafe(8 + header.length + n * 21);
    body.writeUInt32LE(DICT_MAGIC, 0);
    body.writeUInt32LE(header.length, 4);
    header.copy(body, 8);
    o = 8 + header.length;
    for (let i = 0; i < n; i++, o += 4) body.writeUInt32LE(numbers[i]!, o);
  } else {
    const header = Buffer.from(JSON.stringify({ keys: batch.labels.map((l) => l.key), id: batch.id }), 'utf8');
    body = Buffer.allocUnsafe(4 + header.length + n * 17);
    body.writeUInt32LE(header.length, 0);
    header.copy(body, 4);
    o = 4 + header.length;
  }
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

/** The labels of one segment's key numbers, as a reader has learnt them so far. */
export type SegmentKeys = Labels[];

/** Parses a key through the cache shared by every segment (the same series recur in every segment). */
function labelsOf(key: string, cache: Map<string, Labels>): Labels {
  let l = cache.get(key);
  if (!l) {
    l = Labels.fromKey(key);
    cache.set(key, l);
  }
  return l;
}

/** Thrown for a record that needs keys its reader has not seen: the segment's dictionary must be rebuilt. */
class MissingKeysError extends Error {}

/**
 * Reads an inflated record's header. A record of the dictionary format adds its new keys to
 * `segmentKeys` (once: the same record read again adds nothing). Returns where the columns start.
 */
function readHeader(body: Buffer, labelCache: Map<string, Labels>, segmentKeys: SegmentKeys): { dict: boolean; keys: string[]; id: string | undefined; columnsAt: number } {
  if (body.readUInt32LE(0) === DICT_MAGIC) {
    const hl = body.readUInt32LE(4);
    const header = JSON.parse(body.subarray(8, 8 + hl).toString('utf8')) as { keys: string[]; base: number; id?: string };
    if (segmentKeys.length === header.base) {
      for (const k of header.keys) segmentKeys.push(labelsOf(k, labelCache));
    } else if (segmentKeys.length < header.base + header.keys.length) {
      throw new MissingKeysError(`record needs keys from ${header.base}, reader has ${segmentKeys.length}`);
    }
    return { dict: true, keys: header.keys, id: header.id, columnsAt: 8 + hl };
  }
  const hl = body.readUInt32LE(0);
  const header = JSON.parse(body.subarray(4, 4 + hl).toString('utf8')) as { keys: string[]; id?: string };
  return { dict: false, keys: header.keys, id: header.id, columnsAt: 4 + hl };
}

/**
 * Decodes a record payload back into a batch. `segmentKeys` are the keys of the record's segment read so
 * far (see readHeader); `labelCache` maps label keys to Labels across records, since parsing a key costs
 * far more than a lookup.
 */
export async function decodePayload(payload: Buffer, labelCache: Map<string, Labels> = new Map(), segmentKeys: SegmentKeys = []): Promise<SampleBatch> {
  const body = await inflateAsync(payload);
  const { dict, keys, id, columnsAt } = readHeader(body, labelCache, segmentKeys);
  let labels: Labels[];
  let o = columnsAt;
  if (dict) {
    const n = (body.length - columnsAt) / 21;
    labels = new Array<Labels>(n);
    for (let i = 0; i < n; i++, o += 4) {
      const l = segmentKeys[body.readUInt32LE(o)];
      if (l === undefined) throw new Error(`spool record refers to key number ${body.readUInt32LE(o)}, its segment has ${segmentKeys.length}`);
      labels[i] = l;
    }
  } else {
    labels = keys.map((k) => labelsOf(k, labelCache));
  }
  const n = labels.length;
  // Arrays are filled by push: V8 canonicalises NaN payloads in holey double arrays (new Array(n)),
  // which would turn staleness markers into ordinary NaNs.
  const t: number[] = [];
  // A double array from the start: see emptyFloatArray (a first value that is a marker would lose its bits).
  const v: number[] = emptyFloatArray();
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
  /** The open segment being read, with the keys of its dictionary read so far. */
  private reading: { segment: number; fh: FileHandle; keys: SegmentKeys } | undefined;
  /**
   * The segment this process appends to and its key dictionary. A process never appends to a segment it
   * did not start (an earlier run's dictionary is not in memory), nor after an append failed (the
   * dictionary may number keys whose record never reached the disk, and a torn record would hide every
   * record after it in that segment).
   */
  private writing: { segment: number; dict: KeyDictionary } | undefined;
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
    const last = this.segments.at(-1);
    if (last === undefined || this.writing?.segment !== last || (await this.sizeOf(last)) >= SEGMENT_MAX_BYTES) {
      const seg = last === undefined ? FIRST_SEGMENT : last + 1;
      this.writing = { segment: seg, dict: new KeyDictionary() };
    }
    const { segment, dict } = this.writing;
    try {
      const data = Buffer.concat(await Promise.all(batches.map((b) => encodeRecord(b, dict))));
      if (this.segments.at(-1) !== segment) this.segments.push(segment);
      await this.writeSynced(this.file(segment), data, 'a');
      this.pendingBytes += data.length;
    } catch (e) {
      this.writing = undefined;
      throw e;
    }
  }

  /**
   * Puts batches in front of everything spooled (they are older): used on shutdown for batches still
   * in memory while newer ones are already on disk.
   */
  async prepend(batches: readonly SampleBatch[]): Promise<void> {
    if (batches.length === 0) return;
    const first = this.segments[0];
    const seg = first === undefined ? FIRST_SEGMENT : first - 1;
    const dict = new KeyDictionary();
    const data = Buffer.concat(await Promise.all(batches.map((b) => encodeRecord(b, dict))));
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
        this.reading = { segment: seg, fh: await open(this.file(seg), 'r'), keys: [] };
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
          const position = { segment: seg, next: offset + 8 + len };
          try {
            return { batch: await decodePayload(payload, this.labelCache, this.reading.keys), position };
          } catch (e) {
            if (!(e instanceof MissingKeysError)) throw e;
            // Reading starts in the middle of a segment (a restart after some records were acknowledged):
            // learn the keys of the records before this one first.
            this.reading.keys = await this.keysBefore(fh, offset);
            return { batch: await decodePayload(payload, this.labelCache, this.reading.keys), position };
          }
        }
      }
      // Consumed, or a torn or corrupt tail: nothing more can be read from this segment. Appends are
      // serialised with reads by the caller, so nothing is being written to it right now.
      await this.dropSegment(seg);
      await this.saveOffsets();
    }
    return undefined;
  }

  /** The segment keys defined by the records of `fh` before `end`. */
  private async keysBefore(fh: FileHandle, end: number): Promise<SegmentKeys> {
    const keys: SegmentKeys = [];
    const head = Buffer.alloc(8);
    for (let at = 0; at < end;) {
      if ((await fh.read(head, 0, 8, at)).bytesRead !== 8) break;
      const len = head.readUInt32LE(0);
      const payload = Buffer.alloc(len);
      if ((await fh.read(payload, 0, len, at + 8)).bytesRead !== len || crc32(payload) !== head.readUInt32LE(4)) break;
      readHeader(await inflateAsync(payload), this.labelCache, keys);
      at += 8 + len;
    }
    return keys;
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
    // A segment number can come back (the first one, once the spool was empty): never with the old dictionary.
    if (this.writing?.segment === seg) this.writing = undefined;
    if (this.reading?.segment === seg) {
      await this.reading.fh.close();
      this.reading = undefined;
    }
    await rm(this.file(seg), { force: true });
    if (this.segments.length === 0) this.pendingBytes = 0;
  }
}
