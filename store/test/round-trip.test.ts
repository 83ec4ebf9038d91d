import { expect } from 'chai';
import { Labels, Matcher, STALE_NAN, float64Bits, float64FromBits, isStaleNaN } from '@hlmon/model';
import { ENGINES, withStore } from '@hlmon/testkit';

const T0 = Date.UTC(2026, 10, 26);
const SERIES = 1000;
const PER_SERIES = 1000;

/**
 * What must survive the round trip: the exact bits of every number; "stale" for the staleness marker; and
 * "NaN" for any other NaN, whose payload the store does not keep (docs/decisions/0002-storage-schema.md).
 */
function fingerprint(v: number): bigint | string {
  if (isStaleNaN(v)) return 'stale';
  if (Number.isNaN(v)) return 'NaN';
  return float64Bits(v);
}

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, STALE_NAN, 5e-324, -5e-324, 2.2250738585072009e-308, Number.MAX_VALUE, -Number.MIN_VALUE, 1e21, 0.1];

/** Deterministic values: every 10th a special one, the rest from random 64-bit patterns (so all exponents). */
function valueAt(i: number, rng: () => number): number {
  if (i % 10 === 0) return SPECIALS[(i / 10) % SPECIALS.length]!;
  const bits = (BigInt(Math.floor(rng() * 2 ** 32)) << 32n) | BigInt(Math.floor(rng() * 2 ** 32));
  return float64FromBits(bits);
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

for (const engine of ENGINES) {
  describe(`1,000,000 samples on ${engine}`, function () {
    this.timeout(120_000);
    const ctx = withStore(engine);

    it('round-trip exactly: every value bit, NaN and staleness marker, in time order', async () => {
      const rng = mulberry32(42);
      const labels = Array.from({ length: SERIES }, (_, s) => Labels.from({ __name__: 'round_trip', series: String(s), job: 'bulk' }));
      const expected = new Map<string, (bigint | string)[]>();
      const app = ctx.store.appender();
      let i = 0;
      for (let k = 0; k < PER_SERIES; k++) {
        for (let s = 0; s < SERIES; s++) {
          const v = valueAt(i++, rng);
          app.append(labels[s]!, T0 + k * 15_000, v);
          let list = expected.get(labels[s]!.key);
          if (!list) expected.set(labels[s]!.key, (list = []));
          list.push(fingerprint(v));
        }
      }
      expect(await app.commit()).to.deep.equal({ samples: SERIES * PER_SERIES, seriesAdded: SERIES });

      const got = await ctx.store.querier().select([new Matcher('=', '__name__', 'round_trip')], { start: T0, end: T0 + PER_SERIES * 15_000 });
      expect(got).to.have.length(SERIES);
      let mismatches = 0;
      for (const series of got) {
        const want = expected.get(series.labels.key)!;
        expect(series.samples).to.have.length(PER_SERIES);
        series.samples.forEach((sample, k) => {
          if (sample.t !== T0 + k * 15_000 || fingerprint(sample.v) !== want[k]) mismatches++;
        });
      }
      expect(mismatches).to.equal(0);
    });
  });
}
