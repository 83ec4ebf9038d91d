/**
 * Query latency of hlmon's PromQL engine against real Prometheus 2.42 over the same dataset, in one run.
 * hlmon is measured over MemoryStorage and over the PostgreSQL store (a fresh database); Prometheus over its
 * HTTP API on loopback (so its figures include HTTP and JSON encoding, which hlmon's do not).
 *
 *   node --conditions=source --import=tsx bench/query.ts [hosts=20] [hours=6] [runs=5] [stores=postgres]
 *
 * `stores` is a comma-separated list of store engines to measure: postgres, pglite (the embedded database;
 * loading the dataset into it takes about a minute).
 */
import { Engine, MemoryStorage } from '@hlmon/query';
import type { Querier } from '@hlmon/model';
import { appendDataset, generateDataset, toOpenMetrics } from '../query/test/support/dataset.js';
import { startPrometheus } from '../query/test/support/prometheus.js';

const hosts = Number(process.argv[2] ?? 20);
const hours = Number(process.argv[3] ?? 6);
const runs = Number(process.argv[4] ?? 5);
const stores = (process.argv[5] ?? 'postgres').split(',') as ('postgres' | 'pglite')[];
const BASE_MS = Date.UTC(2024, 0, 1);
const END_MS = BASE_MS + hours * 3_600_000;
const STEP_MS = 60_000;

const QUERIES = [
  'up',
  'rate(node_cpu_seconds_total[5m])',
  'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m]))',
  'sum(rate(http_requests_total{code="500"}[5m])) / sum(rate(http_requests_total[5m]))',
  'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  'avg_over_time(node_load1[10m])',
  'topk(3, node_load1)',
  'node_load1 * on(instance) group_left(sensor) temperature_celsius',
  'max_over_time(rate(http_requests_total[1m])[10m:1m])',
  'quantile_over_time(0.9, temperature_celsius[30m])',
  'count by (job) (up)',
  'predict_linear(node_memory_MemAvailable_bytes[30m], 3600) < 3e9',
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // Warm-up: JIT for hlmon, page cache and chunk decoding for Prometheus.
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  return median(xs);
}

async function main(): Promise<void> {
  const data = generateDataset({ startMs: BASE_MS, durationMs: END_MS - BASE_MS, intervalMs: 15_000, hosts });
  const samples = data.reduce((n, s) => n + s.samples.length, 0);
  console.log(`dataset: ${data.length} series, ${samples} samples, ${hosts} hosts, ${hours} h at 15 s; range queries over ${hours} h at step ${STEP_MS / 1000} s; median of ${runs} runs`);
  const prom = await startPrometheus(toOpenMetrics(data));
  const memory = new MemoryStorage();
  await appendDataset(() => memory.appender(), data, 200);
  const backends: { name: string; querier: Querier }[] = [{ name: 'memory', querier: memory }];
  const disposers: (() => Promise<void>)[] = [];
  for (const engine of stores) {
    try {
      const { openTestStore } = await import('@hlmon/testkit');
      const t = await openTestStore(engine);
      disposers.push(() => t.dispose());
      await t.store.ensurePartitions(BASE_MS - 86_400_000, END_MS + 86_400_000);
      await appendDataset(() => t.store.appender(), data, 200);
      backends.push({ name: engine, querier: t.store.querier() });
    } catch (err) {
      console.log(`${engine} store not measured: ${(err as Error).message}`);
    }
  }
  const rows: string[][] = [];
  const ratios: Record<string, number[]> = Object.fromEntries(backends.map((b) => [b.name, []]));
  try {
    for (const expr of QUERIES) {
      for (const kind of ['instant', 'range'] as const) {
        const at = END_MS - 30 * 60_000;
        const qs = kind === 'instant'
          ? `query?query=${encodeURIComponent(expr)}&time=${at / 1000}`
          : `query_range?query=${encodeURIComponent(expr)}&start=${BASE_MS / 1000}&end=${END_MS / 1000}&step=${STEP_MS / 1000}`;
        const promMs = await time(async () => { const r = await prom.api(qs); if (r.status !== 'success') throw new Error(r.error); });
        const row = [kind, expr.length > 60 ? expr.slice(0, 57) + '...' : expr, promMs.toFixed(1)];
        for (const b of backends) {
          const engine = new Engine({ querier: b.querier });
          const ms = await time(() => (kind === 'instant' ? engine.instantQuery(expr, at) : engine.rangeQuery(expr, BASE_MS, END_MS, STEP_MS)));
          ratios[b.name]!.push(ms / promMs);
          row.push(ms.toFixed(1), (ms / promMs).toFixed(2));
        }
        rows.push(row);
      }
    }
  } finally {
    await prom.stop();
    for (const dispose of disposers) await dispose();
  }
  const header = ['kind', 'query', 'prom ms', ...backends.flatMap((b) => [`${b.name} ms`, 'ratio'])];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  for (const b of backends) console.log(`median ratio ${b.name}/prometheus: ${median(ratios[b.name]!).toFixed(2)} (target <= 3)`);
}

await main();
