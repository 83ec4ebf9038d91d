import { expect } from 'chai';
import { Labels, Matcher, matchesAll, type MatchType } from '@hlmon/model';
import { ENGINES, withStore } from '@hlmon/testkit';
import { isPortableRegex, matchersWhere, SqlParams } from '@hlmon/store';

const T0 = Date.UTC(2026, 10, 26);

const SERIES: Labels[] = (<Record<string, string>[]>[
  { __name__: 'up', job: 'node', instance: 'a:9100' },
  { __name__: 'up', job: 'node', instance: 'b:9100' },
  { __name__: 'up', job: 'api', instance: 'a:8080', env: 'prod' },
  { __name__: 'up', job: 'api', instance: 'b:8080', env: '' },
  { __name__: 'http_requests_total', job: 'api', code: '200', method: 'GET' },
  { __name__: 'http_requests_total', job: 'api', code: '500', method: 'POST' },
  { __name__: 'http_requests_total', job: 'api', code: '404' },
  { __name__: 'node_cpu_seconds_total', job: 'node', cpu: '0', mode: 'idle' },
  { __name__: 'node_cpu_seconds_total', job: 'node', cpu: '1', mode: 'user' },
  { __name__: 'weird', path: 'line1\nline2', quote: 'say "hi"', unicode: 'naïve ☃' },
  { __name__: 'weird', path: 'a.b', backslash: 'C:\\dir' },
  { job: 'nameless' },
]).map((o) => Labels.from(o));

/** [type, name, value] of every matcher checked alone and in pairs with a metric matcher. */
const MATCHERS: [MatchType, string, string][] = [
  ['=', '__name__', 'up'],
  ['=', 'job', 'api'],
  ['=', 'env', ''],
  ['=', 'nope', ''],
  ['=', 'job', 'missing'],
  ['!=', 'job', 'api'],
  ['!=', 'env', ''],
  ['!=', 'env', 'prod'],
  ['!=', '__name__', 'up'],
  ['=~', '__name__', 'up|weird'],
  ['=~', 'instance', 'a:.*'],
  ['=~', 'instance', '.*:8080'],
  ['=~', 'env', 'prod|'],
  ['=~', 'env', '.*'],
  ['=~', 'env', '.+'],
  ['=~', 'code', '[45]..'],
  ['=~', 'code', '5'],
  ['=~', 'path', 'line1.line2'],
  ['=~', 'path', 'a\\.b'],
  ['=~', 'quote', '.*"hi"'],
  ['=~', 'unicode', 'na.ve .'],
  ['=~', 'method', '(?i)get'],
  ['=~', 'cpu', '\\d'],
  ['=~', 'job', 'no{1,2}de'],
  ['=~', 'backslash', 'C:\\\\dir'],
  ['!~', 'job', 'api|node'],
  ['!~', 'env', ''],
  ['!~', 'mode', 'id.*'],
  ['!~', '__name__', '.*_total'],
];

for (const engine of ENGINES) {
  describe(`querier on ${engine}`, () => {
    const ctx = withStore(engine);

    before(async () => {
      const app = ctx.store.appender();
      SERIES.forEach((labels, i) => {
        app.append(labels, T0 + i, i);
        app.append(labels, T0 + 60_000, i * 10);
      });
      await app.commit();
    });

    for (const [type, name, value] of MATCHERS) {
      const m = new Matcher(type, name, value);
      it(`selects exactly the series that matchesAll accepts for ${m.toString()}`, async () => {
        const expected = SERIES.filter((l) => matchesAll([m], l)).map((l) => l.key).sort();
        const got = await ctx.store.querier().series([[m]]);
        expect(got.map((l) => l.key).sort()).to.deep.equal(expected);
        // With a second matcher in the same list the conditions combine with AND.
        const both = [m, new Matcher('!=', 'job', 'node')];
        const got2 = await ctx.store.querier().series([both]);
        expect(got2.map((l) => l.key).sort()).to.deep.equal(SERIES.filter((l) => matchesAll(both, l)).map((l) => l.key).sort());
      });
    }

    it('returns samples in [start, end] in ascending time order with both ends inclusive', async () => {
      const got = await ctx.store.querier().select([new Matcher('=', 'job', 'node'), new Matcher('=', '__name__', 'up')], { start: T0 + 1, end: T0 + 60_000 });
      expect(got.map((s) => [s.labels.get('instance'), s.samples])).to.deep.equal([
        ['a:9100', [{ t: T0 + 60_000, v: 0 }]],
        ['b:9100', [{ t: T0 + 1, v: 1 }, { t: T0 + 60_000, v: 10 }]],
      ]);
    });

    it('omits series without samples in the range', async () => {
      const got = await ctx.store.querier().select([new Matcher('=', '__name__', 'up')], { start: T0 + 2, end: T0 + 3 });
      expect(got.map((s) => s.labels.get('instance'))).to.deep.equal(['a:8080', 'b:8080']);
    });

    it('lists the union of several matcher sets once each', async () => {
      const got = await ctx.store.querier().series([[new Matcher('=', 'job', 'api')], [new Matcher('=', '__name__', 'up')]]);
      expect(got).to.have.length(SERIES.filter((l) => l.get('job') === 'api' || l.metricName === 'up').length);
    });

    it('lists sorted label names and values, restricted by matchers and time range', async () => {
      const q = ctx.store.querier();
      expect(await q.labelNames([[new Matcher('=', '__name__', 'node_cpu_seconds_total')]])).to.deep.equal(['__name__', 'cpu', 'job', 'mode']);
      expect(await q.labelValues('job')).to.deep.equal(['api', 'nameless', 'node']);
      expect(await q.labelValues('instance', [], { start: T0 + 1, end: T0 + 2 })).to.deep.equal(['a:8080', 'b:9100']);
    });
  });
}

describe('portable regex check', () => {
  it('accepts plain alternations, wildcards and escaped dots', () => {
    for (const re of ['a|b', '.*:8080', '[45]..', 'a\\.b', '(foo|bar)+']) expect(isPortableRegex(re), re).to.equal(true);
  });

  it('leaves flag groups, class escapes, braces and POSIX classes to JavaScript', () => {
    for (const re of ['(?i)get', '\\d', 'a{2}', '[[:alpha:]]', '(?:a)']) expect(isPortableRegex(re), re).to.equal(false);
  });
});

describe('matcher translation to SQL', () => {
  function where(...ms: Matcher[]): [string, unknown[]] {
    const params = new SqlParams();
    return [matchersWhere(ms, params), params.values];
  }

  it('uses jsonb containment for equality and the metric column for the metric name', () => {
    expect(where(new Matcher('=', '__name__', 'up'), new Matcher('=', 'job', 'node'))).to.deep.equal([
      'metric = $1 AND labels @> $2::jsonb',
      ['up', '{"job":"node"}'],
    ]);
  });

  it('anchors a portable regex for PostgreSQL and treats an absent label as the empty string', () => {
    expect(where(new Matcher('=~', 'env', 'prod|'))).to.deep.equal([`coalesce(labels ->> $1, '') ~ $2`, ['env', '^(?:prod|)$']]);
  });

  it('leaves a regex PostgreSQL might read differently to the JavaScript pass', () => {
    expect(where(new Matcher('=~', 'cpu', '\\d+'))).to.deep.equal(['true', []]);
  });
});
