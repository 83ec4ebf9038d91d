import { expect } from 'chai';
import { STALE_NAN, emptyFloatArray, isStaleNaN } from '@hlmon/model';

describe('emptyFloatArray', () => {
  it('keeps a staleness marker that is the first value pushed, across many fresh arrays', () => {
    // V8 may canonicalise a NaN that turns an integer array into a double array; these arrays start as doubles.
    for (let i = 0; i < 2000; i++) {
      const a = emptyFloatArray();
      a.push(STALE_NAN);
      a.push(i);
      expect(isStaleNaN(a[0]!), `array ${i}`).to.equal(true);
      expect(a).to.have.length(2);
    }
  });
});
