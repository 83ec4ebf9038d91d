/**
 * Containers from cAdvisor-named series (`container_*{name!=""}`), as hlmon's exporter and cAdvisor both
 * write them. Series without a `name` label are cgroups, not containers, and are left out.
 */
import type { ApiEngine } from '../prometheus/router.js';
import { extraMatchers, finiteOrNull, instantVector, type VectorSample } from './promql.js';

/** One container as the UI lists it. */
export interface ContainerSummary {
  readonly instance: string;
  readonly job: string;
  readonly name: string;
  readonly image: string | null;
  /** CPU used, in percent of one core. */
  readonly cpuPercent: number | null;
  readonly memoryBytes: number | null;
  /** Null when the container has no memory limit (cAdvisor writes 0 then). */
  readonly memoryLimitBytes: number | null;
  readonly networkReceiveBytesPerSecond: number | null;
  readonly networkTransmitBytesPerSecond: number | null;
  /** When the exporter last saw the container running (ms), from `container_last_seen`. */
  readonly lastSeenMs: number | null;
}

const BY = 'job, instance, name';

/** The PromQL behind each column, given extra matchers. */
export const CONTAINER_QUERIES = {
  // Kept by image too, so the image column comes from the same query (listContainers sums the rare
  // container with two images, which is `sum by (job, instance, name)`).
  cpu: (m: string) => `100 * sum by (${BY}, image) (rate(container_cpu_usage_seconds_total{name!=""${m}}[5m]))`,
  memory: (m: string) => `sum by (${BY}) (container_memory_working_set_bytes{name!=""${m}})`,
  limit: (m: string) => `max by (${BY}) (container_spec_memory_limit_bytes{name!=""${m}})`,
  rx: (m: string) => `sum by (${BY}) (rate(container_network_receive_bytes_total{name!=""${m}}[5m]))`,
  tx: (m: string) => `sum by (${BY}) (rate(container_network_transmit_bytes_total{name!=""${m}}[5m]))`,
  lastSeen: (m: string) => `max by (${BY}) (container_last_seen{name!=""${m}})`,
} as const;

type QueryName = keyof typeof CONTAINER_QUERIES;

/** Lists the containers visible now, optionally of one host. */
export async function listContainers(
  engine: ApiEngine, nowMs: number, filter: { instance?: string; job?: string }, signal?: AbortSignal,
): Promise<ContainerSummary[]> {
  const m = extraMatchers(filter);
  const names = Object.keys(CONTAINER_QUERIES) as QueryName[];
  const vectors = await Promise.all(names.map((n) => instantVector(engine, CONTAINER_QUERIES[n](m), nowMs, signal)));
  const maps = {} as Record<QueryName, Map<string, VectorSample>>;
  const keys = new Map<string, { job: string; instance: string; name: string }>();
  names.forEach((n, i) => {
    const map = new Map<string, VectorSample>();
    for (const s of vectors[i]!) {
      const id = { job: s.labels.get('job'), instance: s.labels.get('instance'), name: s.labels.get('name') };
      const key = `${id.job}\u0000${id.instance}\u0000${id.name}`;
      const prev = map.get(key);
      // Only the cpu query keeps `image`: a container seen with two images adds up, as `sum by (name)` would.
      map.set(key, prev ? { labels: prev.labels, v: prev.v + s.v } : s);
      keys.set(key, id);
    }
    maps[n] = map;
  });
  const out: ContainerSummary[] = [];
  for (const [key, id] of keys) {
    const limit = finiteOrNull(maps.limit.get(key)?.v);
    const lastSeen = finiteOrNull(maps.lastSeen.get(key)?.v);
    out.push({
      ...id,
      image: maps.cpu.get(key)?.labels.get('image') || null,
      cpuPercent: finiteOrNull(maps.cpu.get(key)?.v),
      memoryBytes: finiteOrNull(maps.memory.get(key)?.v),
      memoryLimitBytes: limit === 0 ? null : limit,
      networkReceiveBytesPerSecond: finiteOrNull(maps.rx.get(key)?.v),
      networkTransmitBytesPerSecond: finiteOrNull(maps.tx.get(key)?.v),
      lastSeenMs: lastSeen === null ? null : Math.round(lastSeen * 1000),
    });
  }
  return out.sort((a, b) => cmp(a.instance, b.instance) || cmp(a.name, b.name) || cmp(a.job, b.job));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
