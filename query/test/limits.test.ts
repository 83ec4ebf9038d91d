import { expect } from 'chai';
import assert from 'node:assert/strict';
import { Labels, ManualClock } from '@hlmon/model';
import type { Matcher, Querier, SelectHints, Series } from '@hlmon/model';
import { Engine, MemoryStorage, QueryError } from '@hlmon/query';

async function storageWith(series: number, points: number): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const app = s.appender();
  for (let i = 0; i < series; i++) {
    const l = Labels.from({ __name__: 'm', i: String(i) });
    for (let k = 0; k < points; k++) app.append(l, k * 15_000, k);
  }
  await app.commit();
  return s;
}

function isQueryError(type: QueryError['type'], re: RegExp) {
  return (err: unknown) => err instanceof QueryError && err.type === type && re.test(err.message);
}

/** A querier that never answers until aborted, to exercise timeouts and cancellation. */
class HangingQuerier implements Querier {
  select(_m: readonly Matcher[], hints: SelectHints): Promise<Series[]> {
    return new Promise((_, reject) => hints.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
  }
  async series(): Promise<Labels[]> { return []; }
  async labelNames(): Promise<string[]> { return []; }
  async labelValues(): Promise<string[]> { return []; }
}

describe('engine limits', () => {
  it('rejects a query that touches more samples than allowed', async () => {
    const engine = new Engine({ querier: await storageWith(10, 100), maxSamples: 500 });
    await assert.rejects(engine.rangeQuery('m', 0, 1_485_000, 15_000), isQueryError('execution', /too many samples/));
  });

  it('answers the same query when the sample limit is large enough', async () => {
    const engine = new Engine({ querier: await storageWith(10, 100), maxSamples: 5000 });
    const r = await engine.rangeQuery('m', 0, 1_485_000, 15_000);
    expect(r.resultType).to.equal('matrix');
    expect(r.result).to.have.length(10);
  });

  it('rejects a range query with more than 11,000 points per series with the Prometheus message', async () => {
    const engine = new Engine({ querier: new MemoryStorage() });
    await assert.rejects(engine.rangeQuery('1', 0, 11_001_000, 1000),
      isQueryError('bad_data', /^exceeded maximum resolution of 11,000 points per timeseries\. Try decreasing the query resolution \(\?step=XX\)$/));
  });

  it('accepts a range query with exactly 11,001 steps, as Prometheus does', async () => {
    const engine = new Engine({ querier: new MemoryStorage() });
    const r = await engine.rangeQuery('1', 0, 11_000_000, 1000);
    expect((r.result as { samples: unknown[] }[])[0]!.samples).to.have.length(11_001);
  });

  it('times out a query whose storage read does not finish', async () => {
    const engine = new Engine({ querier: new HangingQuerier(), timeoutMs: 50 });
    await assert.rejects(engine.instantQuery('m', 0), isQueryError('timeout', /query timed out/));
  });

  it('times out a query that exceeds its deadline on the injected clock', async () => {
    const clock = new ManualClock(0);
    const storage = await storageWith(5, 400);
    const slow: Querier = {
      select: async (m, h) => { clock.advance(1000); return storage.select(m, h); },
      series: (m, r) => storage.series(m, r), labelNames: (m, r) => storage.labelNames(m, r), labelValues: (n, m, r) => storage.labelValues(n, m, r),
    };
    const engine = new Engine({ querier: slow, timeoutMs: 500, clock });
    await assert.rejects(engine.rangeQuery('sum(rate(m[1m])) + sum(m)', 0, 5_985_000, 15_000), isQueryError('timeout', /timed out/));
  });

  it('cancels a query when its signal aborts', async () => {
    const engine = new Engine({ querier: new HangingQuerier() });
    const ac = new AbortController();
    const p = engine.instantQuery('m', 0, { signal: ac.signal });
    ac.abort();
    await assert.rejects(p, isQueryError('canceled', /canceled/));
  });

  it('rejects a zero step and an end before the start', async () => {
    const engine = new Engine({ querier: new MemoryStorage() });
    await assert.rejects(engine.rangeQuery('1', 0, 10, 0), isQueryError('bad_data', /step/));
    await assert.rejects(engine.rangeQuery('1', 10, 0, 1), isQueryError('bad_data', /end timestamp/));
  });

  it('rejects a range vector as the expression of a range query', async () => {
    const engine = new Engine({ querier: new MemoryStorage() });
    await assert.rejects(engine.rangeQuery('m[5m]', 0, 10, 1), isQueryError('bad_data', /invalid expression type "range vector" for range query/));
  });
});

describe('sample accounting', () => {
  it('counts the samples a range vector holds, not each sample once per overlapping window', async () => {
    // 10 series x 100 samples = 1000 samples loaded; 100 steps with 1h windows would touch ~100,000.
    const engine = new Engine({ querier: await storageWith(10, 100), maxSamples: 2000 });
    const r = await engine.rangeQuery('sum(rate(m[1h]))', 0, 1_485_000, 15_000);
    expect(r.result).to.have.length(1);
  });
});
