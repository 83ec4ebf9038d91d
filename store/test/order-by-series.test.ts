import { expect } from 'chai';
import { orderBySeries, type SampleColumns } from '@hlmon/store';

function rows(c: SampleColumns): string[] {
  return Array.from({ length: c.seriesIds.length }, (_, i) => {
    const stale = c.values[i] === null || (c.stale !== undefined && c.stale[i] !== 0);
    return `${c.seriesIds[i]}@${c.timestamps[i]}=${stale ? 'stale' : c.values[i]}`;
  });
}

describe('orderBySeries (the row order of a commit)', () => {
  it('orders rows by series id, keeps each series\' rows in appended order, and keeps values and markers with their rows', () => {
    const c = {
      seriesIds: new Float64Array([7, 3, 7, 1, 3, 7]),
      timestamps: new Float64Array([10, 11, 12, 13, 14, 9]),
      values: new Float64Array([0.5, -0, 2, Infinity, 0, NaN]),
      stale: new Uint8Array([0, 0, 0, 0, 1, 0]),
    };
    const out = orderBySeries(c);
    expect(rows(out)).to.deep.equal(['1@13=Infinity', '3@11=0', '3@14=stale', '7@10=0.5', '7@12=2', '7@9=NaN']);
    expect(Object.is(out.values[1], -0)).to.equal(true);
  });

  it('orders ids too large for the packed sort key the slower way, with the same result', () => {
    const big = 2 ** 40;
    const c = { seriesIds: [big + 2, 5, big + 1, 5], timestamps: [1, 2, 3, 4], values: [1, 2, 3, 4], stale: new Uint8Array(4) };
    expect(rows(orderBySeries(c))).to.deep.equal(['5@2=2', '5@4=4', `${big + 1}@3=3`, `${big + 2}@1=1`]);
  });

  it('returns rows already in order as they are', () => {
    const c = { seriesIds: new Float64Array([1, 1, 2]), timestamps: new Float64Array([1, 2, 1]), values: new Float64Array([1, 2, 3]), stale: new Uint8Array(3) };
    expect(orderBySeries(c)).to.equal(c);
  });
});
