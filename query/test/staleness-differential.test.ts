/**
 * Staleness against real Prometheus 2.42: OpenMetrics backfill cannot carry staleness markers, so this test
 * writes series with markers (and a NaN, and a series that simply stops) through Prometheus's remote-write
 * receiver, loads the same samples into MemoryStorage, and compares answers around every marker.
 */
import { expect } from 'chai';
import { Labels, STALE_NAN, float64Bits, float64FromBits } from '@hlmon/model';
import { Engine, MemoryStorage } from '@hlmon/query';
import { diff, fromHlmon, fromProm } from './support/compare.js';
import { prometheusAvailable, startPrometheus } from './support/prometheus.js';
import type { PrometheusServer } from './support/prometheus.js';
import { remoteWrite } from './support/remote-write.js';
import type { WriteSeries } from './support/remote-write.js';

const STALE_BITS = 0x7ff0000000000002n;
const NAN_BITS = 0x7ff8000000000001n;
const SEC = 1000, MIN = 60 * SEC;
// Recent data, since the remote-write receiver appends to the head block.
const BASE_MS = Math.floor((Date.now() - 45 * MIN) / MIN) * MIN;

type Value = number | 'stale' | 'nan';
function series(labels: Record<string, string>, points: [number, Value][]): WriteSeries {
  return {
    labels,
    samples: points.map(([t, v]) => ({ t: BASE_MS + t, bits: v === 'stale' ? STALE_BITS : v === 'nan' ? NAN_BITS : float64Bits(v) })),
  };
}

function every15s(from: number, to: number, value: (i: number) => Value): [number, Value][] {
  const out: [number, Value][] = [];
  for (let t = from, i = 0; t <= to; t += 15 * SEC, i++) out.push([t, value(i)]);
  return out;
}

const DATA: WriteSeries[] = [
  // A marker at 10m, samples again from 15m.
  series({ __name__: 'stale_a', i: '1' }, [...every15s(0, 10 * MIN - 15 * SEC, (i) => i), [10 * MIN, 'stale'], ...every15s(15 * MIN, 30 * MIN, (i) => 100 + i)]),
  // Ends with a marker at 20m.
  series({ __name__: 'stale_a', i: '2' }, [...every15s(0, 20 * MIN - 15 * SEC, (i) => i * 2), [20 * MIN, 'stale']]),
  // Simply stops at 20m: visible for the lookback delta after.
  series({ __name__: 'stale_a', i: '3' }, every15s(0, 20 * MIN, (i) => i * 3)),
  // A marker 7s after a sample, then samples again.
  series({ __name__: 'stale_a', i: '4' }, [...every15s(0, 5 * MIN, (i) => i), [5 * MIN + 7 * SEC, 'stale'], ...every15s(5 * MIN + 15 * SEC, 30 * MIN, (i) => i)]),
  // Two markers in a row.
  series({ __name__: 'stale_a', i: '5' }, [...every15s(0, 8 * MIN, (i) => i), [8 * MIN + 15 * SEC, 'stale'], [8 * MIN + 30 * SEC, 'stale'], ...every15s(12 * MIN, 30 * MIN, (i) => i)]),
  // An ordinary NaN is a value, not a marker.
  series({ __name__: 'stale_a', i: '6' }, every15s(0, 30 * MIN, (i) => (i % 20 === 10 ? 'nan' : i))),
  // A counter with a marker in the middle and a reset after it.
  series({ __name__: 'stale_c', i: '1' }, [...every15s(0, 12 * MIN, (i) => i * 10), [12 * MIN + 15 * SEC, 'stale'], ...every15s(13 * MIN, 30 * MIN, (i) => i * 10 + 5)]),
];

const QUERIES = [
  'stale_a', 'stale_c', 'rate(stale_c[1m])', 'rate(stale_c[5m])', 'increase(stale_c[3m])', 'count_over_time(stale_a[1m])',
  'last_over_time(stale_a[2m])', 'present_over_time(stale_a[1m])', 'absent(stale_a{i="2"})', 'absent_over_time(stale_a{i="2"}[1m])',
  'timestamp(stale_a)', 'sum(stale_a)', 'count(stale_a)', 'stale_a offset 1m', 'max_over_time(stale_a[3m:30s])', 'changes(stale_a[5m])',
  'resets(stale_c[10m])', 'stale_a > 0', 'count_over_time(stale_a[5m:15s])', 'stale_a[1m]', 'avg_over_time(stale_a[2m])', 'idelta(stale_a[1m])',
];
const TIMES = [5 * MIN + 7 * SEC, 5 * MIN + 8 * SEC, 8 * MIN + 20 * SEC, 9 * MIN + 59 * SEC, 10 * MIN, 10 * MIN + 7 * SEC, 12 * MIN + 20 * SEC,
  15 * MIN, 20 * MIN, 20 * MIN + 1, 25 * MIN, 25 * MIN + 1, 29 * MIN].map((t) => BASE_MS + t);
const RANGES = [{ start: BASE_MS, end: BASE_MS + 31 * MIN, step: 20 * SEC }, { start: BASE_MS + 4 * MIN, end: BASE_MS + 26 * MIN, step: 7 * SEC }];

describe('staleness against Prometheus 2.42 (remote write)', function () {
  this.timeout(60_000);
  let prom: PrometheusServer | undefined;
  const storage = new MemoryStorage();

  before(async function () {
    if (!prometheusAvailable()) this.skip();
    prom = await startPrometheus(undefined);
    await remoteWrite(`${prom.url}/api/v1/write`, DATA);
    const app = storage.appender();
    for (const s of DATA) {
      const labels = Labels.from(s.labels);
      for (const p of s.samples) app.append(labels, p.t, p.bits === STALE_BITS ? STALE_NAN : float64FromBits(p.bits));
    }
    await app.commit();
  });

  after(async () => {
    await prom?.stop();
  });

  it('has the written markers in Prometheus: the series ending in a marker is gone right after it', async () => {
    const r = fromProm(await prom!.api(`query?query=stale_a{i="2"}&time=${(BASE_MS + 20 * MIN) / 1000}`));
    expect(r).to.deep.equal({ kind: 'vector', series: [] });
  });

  it('answers every instant and range query around staleness markers as Prometheus does', async () => {
    const engine = new Engine({ querier: storage });
    const problems: string[] = [];
    const cases = QUERIES.flatMap((expr) => [
      ...TIMES.map((t) => ({ expr, kind: 'instant' as const, t, start: 0, end: 0, step: 0 })),
      ...RANGES.map((r) => ({ expr, kind: 'range' as const, t: 0, ...r })),
    ]);
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(cases.slice(i, i + 8).map(async (c) => {
        const qs = c.kind === 'instant'
          ? `query?query=${encodeURIComponent(c.expr)}&time=${c.t / 1000}`
          : `query_range?query=${encodeURIComponent(c.expr)}&start=${c.start / 1000}&end=${c.end / 1000}&step=${c.step / 1000}`;
        const want = fromProm(await prom!.api(qs));
        let got;
        try {
          got = fromHlmon(c.kind === 'instant' ? await engine.instantQuery(c.expr, c.t) : await engine.rangeQuery(c.expr, c.start, c.end, c.step));
        } catch (err) {
          got = fromHlmon(err as Error);
        }
        const d = diff(want, got, false);
        if (d) problems.push(`${c.kind} ${c.kind === 'instant' ? `at +${(c.t - BASE_MS) / 1000}s` : `step ${c.step / 1000}s`}: ${c.expr}\n    ${d}`);
      }));
    }
    expect(problems.length, `${problems.length} of ${cases.length} differ:\n${problems.slice(0, 30).join('\n')}`).to.equal(0);
  });
});
