/**
 * The docker collector: per-container CPU, memory and network in cAdvisor's metric names and labels, read
 * from the Docker Engine API (Docker or Podman's compatible service) over its Unix socket with dockerode.
 */
import type Docker from 'dockerode';
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';

/** The parts of a container list entry this collector reads. */
interface ListedContainer {
  Id: string;
  Names?: string[];
  Image: string;
  State?: string;
}

/** The parts of a one-shot stats response this collector reads. */
interface StatsResponse {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/** The parts of an inspect response this collector reads. */
interface InspectResponse {
  State?: { StartedAt?: string };
  HostConfig?: { Memory?: number };
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/** Resolves with `promise`, or rejects after `ms` with an error naming `what`. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Writes cAdvisor families for one container. */
export function writeContainer(out: MetricWriter, c: ListedContainer, stats: StatsResponse | undefined, inspect: InspectResponse | undefined, nowSeconds: number): void {
  // cAdvisor's `id` is the container's cgroup path; with Docker's cgroupfs driver that is /docker/<id>.
  const labels = { id: `/docker/${c.Id}`, image: c.Image, name: (c.Names?.[0] ?? c.Id).replace(/^\//, '') };
  out.gauge('container_last_seen', 'Last time a container was seen by the exporter', nowSeconds, labels);
  const started = inspect?.State?.StartedAt;
  if (started !== undefined && !started.startsWith('0001-')) {
    out.gauge('container_start_time_seconds', 'Start time of the container since unix epoch in seconds.', Date.parse(started) / 1000, labels);
  }
  if (inspect?.HostConfig?.Memory !== undefined) {
    out.gauge('container_spec_memory_limit_bytes', 'Memory limit for the container.', inspect.HostConfig.Memory, labels);
  }
  if (stats === undefined) return;
  const cpuNs = stats.cpu_stats?.cpu_usage?.total_usage;
  if (cpuNs !== undefined) out.counter('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.', cpuNs / 1e9, labels);
  const mem = stats.memory_stats;
  if (mem?.usage !== undefined) {
    out.gauge('container_memory_usage_bytes', 'Current memory usage in bytes, including all memory regardless of when it was accessed', mem.usage, labels);
    // cAdvisor's working set is usage minus inactive file cache (cgroup v2 "inactive_file", v1 "total_inactive_file").
    // cgroup v1 responses carry both fields and only the hierarchical total_inactive_file is cAdvisor's.
    const inactive = mem.stats?.total_inactive_file ?? mem.stats?.inactive_file ?? 0;
    out.gauge('container_memory_working_set_bytes', 'Current working set in bytes.', Math.max(0, mem.usage - inactive), labels);
  }
  for (const [iface, net] of Object.entries(stats.networks ?? {})) {
    const netLabels = { ...labels, interface: iface };
    if (net.rx_bytes !== undefined) out.counter('container_network_receive_bytes_total', 'Cumulative count of bytes received', net.rx_bytes, netLabels);
    if (net.tx_bytes !== undefined) out.counter('container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', net.tx_bytes, netLabels);
  }
}

/** The docker collector definition. */
export const dockerCollector: CollectorDefinition = {
  name: 'docker',
  defaultEnabled: false,
  description: 'Containers via the Docker/Podman API socket, with cAdvisor metric names (off by default).',
  create(ctx: CollectorContext): Collector {
    const { socketPath, concurrency, callTimeoutMs } = ctx.docker;
    // dockerode and its dependencies add 10-30 MB of resident memory (by V8 flags), so they are loaded only when
    // this collector first runs, not by every exporter that has containers switched off.
    let docker: Docker | undefined;
    // Start time and memory limit change only when a container is recreated or restarted, so inspect results
    // are kept per container id and running state, and dropped when the container goes away.
    const inspected = new Map<string, InspectResponse>();
    return {
      async collect(out) {
        if (docker === undefined) {
          const { default: DockerClient } = await import('dockerode');
          docker = new DockerClient({ socketPath, timeout: callTimeoutMs });
        }
        const client = docker;
        let list: ListedContainer[];
        try {
          list = await withTimeout(client.listContainers() as Promise<ListedContainer[]>, callTimeoutMs, `listing containers at ${socketPath}`);
        } catch (err) {
          throw new Error(`cannot list containers via ${socketPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
        }
        const running = list.filter((c) => c.State === undefined || c.State === 'running');
        const live = new Set(running.map((c) => c.Id));
        for (const id of inspected.keys()) if (!live.has(id)) inspected.delete(id);
        const nowSeconds = ctx.clock.now() / 1000;
        let failures = 0;
        const results = await mapBounded(running, concurrency, async (c) => {
          const container = client.getContainer(c.Id);
          let stats: StatsResponse | undefined;
          let inspect = inspected.get(c.Id);
          try {
            stats = await withTimeout(container.stats({ stream: false }) as Promise<StatsResponse>, callTimeoutMs, `stats of ${c.Id}`);
            if (inspect === undefined) {
              inspect = await withTimeout(container.inspect() as Promise<InspectResponse>, callTimeoutMs, `inspect of ${c.Id}`);
              inspected.set(c.Id, inspect);
            }
          } catch {
            // One slow or vanished container must not hide the others; it is counted and reported below.
            failures++;
          }
          return { c, stats, inspect };
        });
        for (const r of results) writeContainer(out, r.c, r.stats, r.inspect, nowSeconds);
        out.counter('hlmon_exporter_container_stats_failures_total', 'Container stats or inspect calls that failed or timed out in this scrape.', failures);
      },
    };
  },
};
