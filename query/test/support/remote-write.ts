/**
 * A minimal Prometheus remote-write client: protobuf encoding of WriteRequest by hand and snappy's block
 * format with one literal (valid snappy, just not compressed), so the test needs no extra dependencies.
 * Values are written as raw bits, so a staleness marker arrives as exactly 0x7ff0000000000002.
 */
/** One series to write: labels and samples with their exact value bits. */
export interface WriteSeries {
  readonly labels: Record<string, string>;
  readonly samples: readonly { t: number; bits: bigint }[];
}

class Writer {
  private readonly parts: number[] = [];

  varint(v: bigint): this {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) { this.parts.push(Number(x & 0x7fn) | 0x80); x >>= 7n; }
    this.parts.push(Number(x));
    return this;
  }

  key(field: number, wire: number): this {
    return this.varint(BigInt((field << 3) | wire));
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(BigInt(b.length));
    for (const x of b) this.parts.push(x);
    return this;
  }

  fixed64(field: number, bits: bigint): this {
    this.key(field, 1);
    for (let i = 0n; i < 8n; i++) this.parts.push(Number((bits >> (8n * i)) & 0xffn));
    return this;
  }

  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Encodes a prometheus.WriteRequest. */
export function encodeWriteRequest(series: readonly WriteSeries[]): Uint8Array {
  const w = new Writer();
  const enc = new TextEncoder();
  for (const s of series) {
    const ts = new Writer();
    for (const [name, value] of Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : 1))) {
      ts.bytes(1, new Writer().bytes(1, enc.encode(name)).bytes(2, enc.encode(value)).done());
    }
    for (const p of s.samples) ts.bytes(2, new Writer().fixed64(1, p.bits).key(2, 0).varint(BigInt(p.t)).done());
    w.bytes(1, ts.done());
  }
  return w.done();
}

/** Wraps bytes in snappy's block format as a single literal. */
export function snappyLiteral(data: Uint8Array): Uint8Array {
  const head: number[] = [];
  let n = data.length;
  while (n >= 0x80) { head.push((n & 0x7f) | 0x80); n >>>= 7; }
  head.push(n);
  const len = data.length - 1;
  // Tag 63 (0xfc): a literal whose length-1 follows in four little-endian bytes.
  head.push(0xfc, len & 0xff, (len >>> 8) & 0xff, (len >>> 16) & 0xff, (len >>> 24) & 0xff);
  const out = new Uint8Array(head.length + data.length);
  out.set(head, 0);
  out.set(data, head.length);
  return out;
}

/** POSTs series to a remote-write receiver; rejects with the response text on failure. */
export async function remoteWrite(url: string, series: readonly WriteSeries[]): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Encoding': 'snappy', 'Content-Type': 'application/x-protobuf', 'X-Prometheus-Remote-Write-Version': '0.1.0' },
    body: snappyLiteral(encodeWriteRequest(series)),
  });
  if (!res.ok) throw new Error(`remote write failed: ${res.status} ${await res.text()}`);
}
