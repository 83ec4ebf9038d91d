/**
 * The differential acceptance test: the same dataset in real Prometheus 2.42 (backfilled with promtool) and in
 * hlmon (MemoryStorage, and the PostgreSQL store), the same queries asked of both as instant queries at several
 * times and as range queries; every answer must agree.
 */
import { expect } from 'chai';
import { Engine, MemoryStorage, toPrometheusJson } from '@hlmon/query';
import type { Querier } from '@hlmon/model';
import { appendDataset, generateDataset, toOpenMetrics } from './support/dataset.js';
import { DIFF_QUERIES } from './support/differential-queries.js';
import { diff, fromHlmon, fromProm } from './support/compare.js';
import { prometheusAvailable, startPrometheus } from './support/prometheus.js';
import type { PrometheusServer } from './support/prometheus.js';

const BASE_MS = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const DATA = generateDataset({ startMs: BASE_MS, durationMs: 120 * MIN, intervalMs: 15_000, hosts: 4 });
const AT_S = BASE_MS / 1000 + 3607;
const INSTANT_TIMES = [BASE_MS + 30 * MIN, BASE_MS + 47 * MIN + 13_500, BASE_MS + 61 * MIN, BASE_MS + 123 * MIN];
const RANGE = { start: BASE_MS + 5 * MIN, end: BASE_MS + 126 * MIN, step: 97_000 };

interface Case { expr: string; ordered: boolean; kind: 'instant' | 'range'; time: number }

const CASES: Case[] = DIFF_QUERIES.flatMap((q) => {
  const expr = q.expr.replace(/\bAT\b/g, String(AT_S));
  return [
    ...INSTANT_TIMES.map((time) => ({ expr, ordered: q.ordered ?? false, kind: 'instant' as const, time })),
    { expr, ordered: false, kind: 'range' as const, time: RANGE.start },
  ];
});

async function inBatches<T, R>(items: readonly T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

async function askHlmon(engine: Engine, c: Case) {
  try {
    return fromHlmon(c.kind === 'instant' ? await engine.instantQuery(c.expr, c.time) : await engine.rangeQuery(c.expr, RANGE.start, RANGE.end, RANGE.step));
  } catch (err) {
    return fromHlmon(err as Error);
  }
}

async function askProm(prom: PrometheusServer, c: Case) {
  const qs = c.kind === 'instant'
    ? `query?query=${encodeURIComponent(c.expr)}&time=${c.time / 1000}`
    : `query_range?query=${encodeURIComponent(c.expr)}&start=${RANGE.start / 1000}&end=${RANGE.end / 1000}&step=${RANGE.step / 1000}`;
  return fromProm(await prom.api(qs));
}

function describeCase(c: Case): string {
  return c.kind === 'instant' ? `instant at +${(c.time - BASE_MS) / 1000}s: ${c.expr}` : `range: ${c.expr}`;
}

describe('differential test against Prometheus 2.42', function () {
  this.timeout(120_000);
  let prom: PrometheusServer | undefined;
  let expected: ReturnType<typeof fromProm>[] = [];

  before(async function () {
    if (!prometheusAvailable()) this.skip();
    prom = await startPrometheus(toOpenMetrics(DATA));
    expected = await inBatches(CASES, 8, (c) => askProm(prom!, c));
  });

  after(async () => {
    await prom?.stop();
  });


  async function compareAll(querier: Querier): Promise<string[]> {
    const engine = new Engine({ querier });
    const got = await inBatches(CASES, 8, (c) => askHlmon(engine, c));
    const problems: string[] = [];
    CASES.forEach((c, i) => {
      const d = diff(expected[i]!, got[i]!, c.ordered);
      if (d) problems.push(`${describeCase(c)}\n    ${d}`);
    });
    return problems;
  }

  it('asks at least 80 queries, some of which fail in Prometheus too', () => {
    expect(DIFF_QUERIES.length).to.be.at.least(80);
    expect(expected.filter((e) => e.kind === 'error').length).to.be.greaterThan(10);
    expect(expected.filter((e) => e.kind === 'vector' && e.series.length > 0).length).to.be.greaterThan(300);
  });

  it('gives the same answers as Prometheus over MemoryStorage', async () => {
    const storage = new MemoryStorage();
    await appendDataset(() => storage.appender(), DATA);
    const problems = await compareAll(storage);
    expect(problems.length, `${problems.length} of ${CASES.length} differ:\n${problems.slice(0, 40).join('\n')}`).to.equal(0);
  });

  it('writes the same JSON as Prometheus for results computed with single IEEE operations', async () => {
    const storage = new MemoryStorage();
    await appendDataset(() => storage.appender(), DATA);
    const engine = new Engine({ querier: storage });
    const time = BASE_MS + 61 * MIN + 500;
    const sortByMetric = (d: unknown) => {
      const data = d as { result: unknown };
      if (Array.isArray(data.result) && typeof data.result[0] === 'object') {
        (data.result as { metric: object }[]).sort((a, b) => (JSON.stringify(a.metric) < JSON.stringify(b.metric) ? -1 : 1));
      }
      return data;
    };
    for (const expr of ['node_load1', 'weird_gauge', 'node_memory_MemAvailable_bytes * 1e12', 'node_load1 / 3', 'node_load1 / 1e9', 'time()', '-node_load1 * 0', '"text"']) {
      const theirs = await prom!.api(`query?query=${encodeURIComponent(expr)}&time=${time / 1000}`);
      const ours = toPrometheusJson(await engine.instantQuery(expr, time));
      expect(sortByMetric(ours), expr).to.deep.equal(sortByMetric(theirs.data));
    }
  });

  it('gives the same answers as Prometheus over the PostgreSQL store', async () => {
    // Imported by name at run time: query must not depend on store, but its acceptance test runs on it.
    const { openTestStore } = await import('@hlmon/testkit');
    const test = await openTestStore('postgres');
    try {
      await test.store.ensurePartitions(BASE_MS - 86_400_000, BASE_MS + 86_400_000);
      await appendDataset(() => test.store.appender(), DATA);
      const problems = await compareAll(test.store.querier());
      expect(problems.length, `${problems.length} of ${CASES.length} differ:\n${problems.slice(0, 40).join('\n')}`).to.equal(0);
    } finally {
      await test.dispose();
    }
  });
});
