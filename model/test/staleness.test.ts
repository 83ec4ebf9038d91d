import { expect } from 'chai';
import { NORMAL_NAN, STALE_NAN, float64Bits, float64FromBits, isStaleNaN } from '@hlmon/model';

describe('staleness marker', () => {
  it('has the bit pattern Prometheus writes, 0x7ff0000000000002', () => {
    // V8 may set the quiet bit when a NaN passes through a double register; both forms are accepted.
    const bits = float64Bits(STALE_NAN) & ~0x0008000000000000n;
    expect(bits).to.equal(0x7ff0000000000002n);
  });

  it('is recognised after passing through a Float64Array and a plain array', () => {
    const f = new Float64Array([STALE_NAN]);
    const a = [1.5, STALE_NAN];
    expect(isStaleNaN(f[0]!)).to.equal(true);
    expect(isStaleNaN(a[1]!)).to.equal(true);
  });

  it('is not confused with an ordinary NaN or a number', () => {
    expect(isStaleNaN(NaN)).to.equal(false);
    expect(isStaleNaN(NORMAL_NAN)).to.equal(false);
    expect(isStaleNaN(0 / 0)).to.equal(false);
    expect(isStaleNaN(0)).to.equal(false);
    expect(isStaleNaN(Infinity)).to.equal(false);
  });

  it('recognises the marker built from its raw bits with the quiet bit set', () => {
    expect(isStaleNaN(float64FromBits(0x7ff8000000000002n))).to.equal(true);
  });
});
