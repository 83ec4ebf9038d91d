/**
 * A deterministic home-lab dataset for the differential test and the benchmark: node metrics of several
 * hosts (counters with a reset, gauges, a NaN), API counters with a gap, and a classic histogram.
 */
import { Labels } from '@hlmon/model';
import type { Appender } from '@hlmon/model';

/** One series of the dataset. */
export interface DatasetSeries {
  readonly labels: Record<string, string>;
  readonly samples: { t: number; v: number }[];
}

/** Dataset shape. */
export interface DatasetOptions {
  readonly startMs: number;
  readonly durationMs: number;
  readonly intervalMs: number;
  readonly hosts: number;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;
const BUCKETS = ['0.05', '0.1', '0.25', '0.5', '1', '+Inf'];

/** Generates the dataset; the same options always give the same samples. */
export function generateDataset(o: DatasetOptions): DatasetSeries[] {
  const rand = mulberry32(42);
  const out: DatasetSeries[] = [];
  const n = Math.floor(o.durationMs / o.intervalMs) + 1;
  const times = Array.from({ length: n }, (_, i) => o.startMs + i * o.intervalMs);
  const series = (labels: Record<string, string>, value: (i: number, t: number) => number | undefined) => {
    const samples: { t: number; v: number }[] = [];
    times.forEach((t, i) => { const v = value(i, t); if (v !== undefined) samples.push({ t, v }); });
    out.push({ labels, samples });
  };
  for (let h = 0; h < o.hosts; h++) {
    const instance = `host-${h}`;
    for (const mode of ['idle', 'user', 'system']) {
      let c = 1000 * (h + 1);
      const share = mode === 'idle' ? 12 : mode === 'user' ? 2.5 : 0.5;
      series({ __name__: 'node_cpu_seconds_total', instance, job: 'node', mode }, (i) => {
        // Host 1 reboots halfway: its counters restart near zero.
        if (h === 1 && i === Math.floor(n / 2)) c = 3;
        c = r3(c + share * (0.5 + rand()));
        return c;
      });
    }
    series({ __name__: 'node_load1', instance, job: 'node' }, (i) => r3(0.2 + h * 0.3 + Math.abs(Math.sin(i / 17 + h)) * 2 + rand() * 0.3));
    series({ __name__: 'node_memory_MemAvailable_bytes', instance, job: 'node' }, (i) => Math.round(4e9 + 1e9 * Math.sin(i / 40 + h) + rand() * 1e7));
    series({ __name__: 'temperature_celsius', instance, sensor: 'cpu' }, (i) => r3(15 + 25 * Math.sin(i / 30 + h * 2) + rand()));
    series({ __name__: 'up', instance, job: 'node' }, (i) => (h === 2 && i % 50 === 7 ? 0 : 1));
    for (const code of ['200', '500']) {
      let c = 0;
      series({ __name__: 'http_requests_total', instance, job: 'api', code }, (i, t) => {
        c += code === '200' ? Math.floor(rand() * 50) : Math.floor(rand() * 3);
        // A scrape gap of 15 minutes on one host's error counter.
        if (h === 2 && code === '500' && t >= o.startMs + 40 * 60000 && t < o.startMs + 55 * 60000) return undefined;
        return c;
      });
    }
    const counts = BUCKETS.map(() => 0);
    let sum = 0;
    const perStep: number[][] = times.map(() => {
      const obs = Math.floor(rand() * 20);
      for (let k = 0; k < obs; k++) {
        const x = rand() ** 2 * (h + 1) * 0.4;
        sum += x;
        BUCKETS.forEach((b, bi) => { if (b === '+Inf' || x <= Number(b)) counts[bi]!++; });
      }
      return [...counts, r3(sum)];
    });
    BUCKETS.forEach((le, bi) => series({ __name__: 'http_request_duration_seconds_bucket', instance, job: 'api', le }, (i) => perStep[i]![bi]!));
    series({ __name__: 'http_request_duration_seconds_sum', instance, job: 'api' }, (i) => perStep[i]![BUCKETS.length]!);
    series({ __name__: 'http_request_duration_seconds_count', instance, job: 'api' }, (i) => perStep[i]![BUCKETS.length - 1]!);
  }
  series({ __name__: 'weird_gauge', instance: 'host-0' }, (i) => (i % 40 === 20 ? NaN : i % 7));
  return out;
}

/** The dataset as an OpenMetrics file with explicit timestamps in seconds, for promtool's backfill. */
export function toOpenMetrics(data: readonly DatasetSeries[]): string {
  const lines: string[] = [];
  for (const s of data) {
    const { __name__: name, ...rest } = s.labels;
    const ls = Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
    const head = `${name}{${ls}}`;
    for (const p of s.samples) lines.push(`${head} ${Number.isNaN(p.v) ? 'NaN' : String(p.v)} ${p.t / 1000}`);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** Appends the dataset and commits, in batches. */
export async function appendDataset(newAppender: () => Appender, data: readonly DatasetSeries[], batch = 50): Promise<void> {
  for (let i = 0; i < data.length; i += batch) {
    const app = newAppender();
    for (const s of data.slice(i, i + batch)) {
      const labels = Labels.from(s.labels);
      for (const p of s.samples) app.append(labels, p.t, p.v);
    }
    await app.commit();
  }
}
