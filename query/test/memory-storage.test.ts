import { expect } from 'chai';
import { Labels, Matcher, STALE_NAN, isStaleNaN } from '@hlmon/model';
import { MemoryStorage, parseSeriesValues, parseSeriesLine } from '@hlmon/query';

describe('MemoryStorage', () => {
  it('makes samples visible only after commit', async () => {
    const s = new MemoryStorage();
    const app = s.appender();
    app.append(Labels.from({ __name__: 'up', job: 'a' }), 1000, 1);
    expect(await s.select([new Matcher('=', '__name__', 'up')], { start: 0, end: 2000 })).to.have.length(0);
    const res = await app.commit();
    expect(res).to.deep.equal({ samples: 1, seriesAdded: 1 });
    const got = await s.select([new Matcher('=', '__name__', 'up')], { start: 0, end: 2000 });
    expect(got[0]!.samples).to.deep.equal([{ t: 1000, v: 1 }]);
  });

  it('returns samples within an inclusive range in time order even when appended out of order', async () => {
    const s = new MemoryStorage();
    const app = s.appender();
    const l = Labels.from({ __name__: 'x' });
    for (const t of [3000, 1000, 2000, 4000]) app.append(l, t, t / 1000);
    await app.commit();
    const got = await s.select([new Matcher('=', '__name__', 'x')], { start: 2000, end: 3000 });
    expect(got[0]!.samples.map((p) => p.t)).to.deep.equal([2000, 3000]);
  });

  it('keeps the staleness marker bits', async () => {
    const s = new MemoryStorage();
    const app = s.appender();
    app.append(Labels.from({ __name__: 'x' }), 1, STALE_NAN);
    await app.commit();
    const got = await s.select([new Matcher('=~', '__name__', 'x|y')], { start: 0, end: 1 });
    expect(isStaleNaN(got[0]!.samples[0]!.v)).to.equal(true);
  });

  it('lists label names and values of matching series', async () => {
    const s = new MemoryStorage();
    const app = s.appender();
    app.append(Labels.from({ __name__: 'a', job: 'j1' }), 1, 1);
    app.append(Labels.from({ __name__: 'b', job: 'j2', x: 'y' }), 1, 1);
    await app.commit();
    expect(await s.labelNames()).to.deep.equal(['__name__', 'job', 'x']);
    expect(await s.labelValues('job', [[new Matcher('=', '__name__', 'b')]])).to.deep.equal(['j2']);
  });
});

describe('parseSeriesValues', () => {
  it('expands increasing, decreasing, constant, missing and stale values', () => {
    const v = parseSeriesValues('1+2x3 5-1x2 7x1 _ _x2 stale -Inf');
    expect(v.slice(0, 12)).to.deep.equal([1, 3, 5, 7, 5, 4, 3, 7, 7, undefined, undefined, undefined]);
    expect(isStaleNaN(v[12]!)).to.equal(true);
    expect(v[13]).to.equal(-Infinity);
  });

  it('rejects an unknown item and names it', () => {
    expect(() => parseSeriesValues('1 2 foo')).to.throw(/"foo"/);
  });

  it('parses a load line with labels containing spaces', () => {
    const { labels, values } = parseSeriesLine('http{path="/a b", job="x"} 1 2');
    expect(labels.toObject()).to.deep.equal({ __name__: 'http', job: 'x', path: '/a b' });
    expect(values).to.deep.equal([1, 2]);
  });
});
