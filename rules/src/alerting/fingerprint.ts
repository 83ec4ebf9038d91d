/** Alert fingerprints as Prometheus's model computes them: FNV-1a 64 over sorted name/value pairs separated by 0xff. */
import type { Labels } from '@hlmon/model';

const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
const encoder = new TextEncoder();

/** The 16-hex-digit fingerprint of a label set, as shown in Alertmanager payloads. */
export function fingerprint(labels: Labels): string {
  let h = OFFSET;
  const add = (b: number) => { h ^= BigInt(b); h = (h * PRIME) & MASK; };
  for (const l of labels) {
    for (const b of encoder.encode(l.name)) add(b);
    add(0xff);
    for (const b of encoder.encode(l.value)) add(b);
    add(0xff);
  }
  return h.toString(16).padStart(16, '0');
}
