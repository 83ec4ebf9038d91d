/**
 * Host summaries: one entry per node-exporter-style target, computed with PromQL at the current time, or
 * for a target that is down at the time it was last seen up, so an offline host keeps its last known state.
 */
import { Matcher, METRIC_NAME, type Querier } from '@hlmon/model';
import type { ApiEngine } from '../prometheus/router.js';
import { extraMatchers, finiteOrNull, instantVector, targetKey, type VectorSample } from './promql.js';

/** What the UI shows on a host card. Numbers are null when the host does not export the metric. */
export interface HostSummary {
  readonly instance: string;
  readonly job: string;
  /** True when the most recent `up` sample is 1 and not stale. */
  readonly up: boolean;
  /** Time of the last successful scrape (ms), or null when it was never seen up in the window. */
  readonly lastSeenMs: number | null;
  /** The time the numbers below describe: now for an up host, `lastSeenMs` for a down one. */
  readonly stateAtMs: number | null;
  readonly hostname: string | null;
  readonly os: string | null;
  readonly kernel: string | null;
  readonly arch: string | null;
  readonly uptimeSeconds: number | null;
  readonly cpuCores: number | null;
  readonly cpuUsedPercent: number | null;
  readonly load1: number | null;
  readonly memoryTotalBytes: number | null;
  readonly memoryUsedPercent: number | null;
  readonly rootDiskUsedPercent: number | null;
  readonly networkReceiveBytesPerSecond: number | null;
  readonly networkTransmitBytesPerSecond: number | null;
}

/** A mounted filesystem of one host. */
export interface HostFilesystem {
  readonly mountpoint: string;
  readonly device: string;
  readonly fstype: string;
  readonly sizeBytes: number | null;
  readonly availBytes: number | null;
  readonly usedPercent: number | null;
}

/** A network interface of one host, with its rates in bytes per second. */
export interface HostInterface {
  readonly device: string;
  readonly receiveBytesPerSecond: number | null;
  readonly transmitBytesPerSecond: number | null;
}

/** Options of the host queries. */
export interface HostQueryOptions {
  /** How far back a host that stopped answering is still listed (ms). */
  readonly offlineWindowMs: number;
  readonly signal?: AbortSignal;
}

// Interfaces that carry no traffic of their own (loopback, container bridges and their veth ends) would
// count container traffic twice, so the host totals leave them out, as most node_exporter dashboards do.
const VIRTUAL_DEVICES = 'lo|veth.*|docker.*|br-.*|virbr.*|cni.*|flannel.*';
// Pseudo filesystems are not disks.
const REAL_FS = 'fstype!~"tmpfs|rootfs|overlay|squashfs|devtmpfs|ramfs|nsfs|autofs"';

/** The PromQL behind each number of a host summary, given extra matchers (`,instance="x"`). */
export const HOST_QUERIES = {
  up: (m: string) => `up{job!=""${m}}`,
  uname: (m: string) => `node_uname_info{job!=""${m}}`,
  os: (m: string) => `node_os_info{job!=""${m}}`,
  uptime: (m: string) => `time() - node_boot_time_seconds{job!=""${m}}`,
  // One query for both CPU numbers: evaluateAll derives `count by (job, instance)` (cores) and
  // `100 * (1 - avg by (job, instance) (...))` (busy percent) from the per-CPU idle rates, which reads the
  // busiest series family of a host once instead of twice.
  cpuIdle: (m: string) => `rate(node_cpu_seconds_total{mode="idle"${m}}[5m])`,
  load1: (m: string) => `node_load1{job!=""${m}}`,
  memTotal: (m: string) => `node_memory_MemTotal_bytes{job!=""${m}}`,
  // Used percent is derived as `100 * (1 - MemAvailable / MemTotal)` (one-to-one on job and instance),
  // so MemTotal is selected once.
  memAvailable: (m: string) => `node_memory_MemAvailable_bytes{job!=""${m}}`,
  rootDisk: (m: string) => `max by (job, instance) (100 * (1 - node_filesystem_avail_bytes{mountpoint="/",${REAL_FS}${m}} / node_filesystem_size_bytes{mountpoint="/",${REAL_FS}${m}}))`,
  rx: (m: string) => `sum by (job, instance) (rate(node_network_receive_bytes_total{device!~"${VIRTUAL_DEVICES}"${m}}[5m]))`,
  tx: (m: string) => `sum by (job, instance) (rate(node_network_transmit_bytes_total{device!~"${VIRTUAL_DEVICES}"${m}}[5m]))`,
} as const;

type QueryName = keyof typeof HOST_QUERIES;

/** A target known to export host metrics. */
interface HostTarget {
  readonly job: string;
  readonly instance: string;
}

/**
 * Lists hosts: every target that exported `node_uname_info` within the offline window. The filter narrows
 * to one job or instance.
 */
export async function listHosts(
  engine: ApiEngine, querier: Querier, nowMs: number, filter: { instance?: string; job?: string }, opts: HostQueryOptions,
): Promise<HostSummary[]> {
  const targets = await findHostTargets(querier, nowMs, filter, opts);
  if (targets.length === 0) return [];
  const lastSeen = await lastSeenUp(querier, targets, nowMs, opts);
  const m = extraMatchers(filter);
  const current = await evaluateAll(engine, m, nowMs, opts.signal);
  const hosts: HostSummary[] = [];
  for (const t of targets) {
    const key = `${t.job}\u0000${t.instance}`;
    const upNow = current.up.get(key)?.v === 1;
    const seen = lastSeen.get(key) ?? null;
    let values = current;
    let stateAt: number | null = nowMs;
    if (!upNow) {
      // A down host shows what it looked like the last time it answered; the queries run again at that time
      // for this host alone, which is rare enough not to matter for speed.
      stateAt = seen;
      values = seen === null ? emptyResults() : await evaluateAll(engine, extraMatchers(t), seen, opts.signal);
    }
    hosts.push(summarise(t, upNow, seen, stateAt, values, key));
  }
  hosts.sort((a, b) => (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : a.job < b.job ? -1 : a.job > b.job ? 1 : 0));
  return hosts;
}

/** Filesystems of one host at a time. */
export async function hostFilesystems(engine: ApiEngine, target: HostTarget, atMs: number, signal?: AbortSignal): Promise<HostFilesystem[]> {
  const m = extraMatchers(target);
  const [size, avail] = await Promise.all([
    instantVector(engine, `node_filesystem_size_bytes{${REAL_FS}${m}}`, atMs, signal),
    instantVector(engine, `node_filesystem_avail_bytes{${REAL_FS}${m}}`, atMs, signal),
  ]);
  const availBy = new Map(avail.map((s) => [s.labels.get('mountpoint'), s.v]));
  return size
    .map((s) => {
      const mountpoint = s.labels.get('mountpoint');
      const a = availBy.get(mountpoint);
      return {
        mountpoint,
        device: s.labels.get('device'),
        fstype: s.labels.get('fstype'),
        sizeBytes: finiteOrNull(s.v),
        availBytes: finiteOrNull(a),
        usedPercent: a === undefined || !(s.v > 0) ? null : finiteOrNull(100 * (1 - a / s.v)),
      };
    })
    .sort((x, y) => (x.mountpoint < y.mountpoint ? -1 : x.mountpoint > y.mountpoint ? 1 : 0));
}

/** Network interfaces of one host with their rates at a time (virtual ones included, marked by name). */
export async function hostInterfaces(engine: ApiEngine, target: HostTarget, atMs: number, signal?: AbortSignal): Promise<HostInterface[]> {
  const m = extraMatchers(target);
  const [rx, tx] = await Promise.all([
    instantVector(engine, `rate(node_network_receive_bytes_total{job!=""${m}}[5m])`, atMs, signal),
    instantVector(engine, `rate(node_network_transmit_bytes_total{job!=""${m}}[5m])`, atMs, signal),
  ]);
  const txBy = new Map(tx.map((s) => [s.labels.get('device'), s.v]));
  const devices = new Set([...rx.map((s) => s.labels.get('device')), ...txBy.keys()]);
  const rxBy = new Map(rx.map((s) => [s.labels.get('device'), s.v]));
  return [...devices].sort().map((device) => ({
    device,
    receiveBytesPerSecond: finiteOrNull(rxBy.get(device)),
    transmitBytesPerSecond: finiteOrNull(txBy.get(device)),
  }));
}

async function findHostTargets(querier: Querier, nowMs: number, filter: { instance?: string; job?: string }, opts: HostQueryOptions): Promise<HostTarget[]> {
  const matchers = [new Matcher('=', METRIC_NAME, 'node_uname_info')];
  if (filter.instance !== undefined) matchers.push(new Matcher('=', 'instance', filter.instance));
  if (filter.job !== undefined) matchers.push(new Matcher('=', 'job', filter.job));
  const series = await querier.series([matchers], { start: nowMs - opts.offlineWindowMs, end: nowMs });
  const byKey = new Map<string, HostTarget>();
  for (const l of series) byKey.set(targetKey(l), { job: l.get('job'), instance: l.get('instance') });
  return [...byKey.values()];
}

/**
 * When each target last answered a scrape: the newest `up` sample equal to 1. Read from raw samples because
 * PromQL has no direct way to ask "when was this last 1" without a subquery over the whole window.
 */
async function lastSeenUp(querier: Querier, targets: readonly HostTarget[], nowMs: number, opts: HostQueryOptions): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const wanted = new Set(targets.map((t) => `${t.job}\u0000${t.instance}`));
  // Most hosts are up, so a short recent read answers them; only the rest need the whole window.
  for (const spanMs of [10 * 60_000, opts.offlineWindowMs]) {
    const matchers = [new Matcher('=', METRIC_NAME, 'up')];
    if (targets.length === 1) matchers.push(new Matcher('=', 'instance', targets[0]!.instance), new Matcher('=', 'job', targets[0]!.job));
    const series = await querier.select(matchers, { start: nowMs - spanMs, end: nowMs, ...(opts.signal ? { signal: opts.signal } : {}) });
    for (const s of series) {
      const key = targetKey(s.labels);
      if (!wanted.has(key) || out.has(key)) continue;
      for (let i = s.samples.length - 1; i >= 0; i--) {
        if (s.samples[i]!.v === 1) { out.set(key, s.samples[i]!.t); break; }
      }
    }
    if (out.size === wanted.size) break;
  }
  return out;
}

/** The numbers of a host: the queries' results and those derived from them, by target key. */
type ResultName = QueryName | 'cpu' | 'cpuCores' | 'mem';
type Results = Record<ResultName, Map<string, VectorSample>>;

function emptyResults(): Results {
  const r = {} as Results;
  for (const name of [...Object.keys(HOST_QUERIES), 'cpu', 'cpuCores', 'mem'] as ResultName[]) r[name] = new Map();
  return r;
}

async function evaluateAll(engine: ApiEngine, m: string, atMs: number, signal?: AbortSignal): Promise<Results> {
  const names = Object.keys(HOST_QUERIES) as QueryName[];
  const vectors = await Promise.all(names.map((name) => instantVector(engine, HOST_QUERIES[name](m), atMs, signal)));
  const r = emptyResults();
  names.forEach((name, i) => {
    if (name === 'cpuIdle') return;
    for (const s of vectors[i]!) r[name].set(targetKey(s.labels), s);
  });
  // Cores and busy percent from the per-CPU idle rates (see HOST_QUERIES.cpuIdle).
  const idle = new Map<string, { labels: VectorSample['labels']; sum: number; n: number }>();
  for (const s of vectors[names.indexOf('cpuIdle')]!) {
    const key = targetKey(s.labels);
    const acc = idle.get(key);
    if (acc) { acc.sum += s.v; acc.n++; } else idle.set(key, { labels: s.labels, sum: s.v, n: 1 });
  }
  for (const [key, acc] of idle) {
    r.cpuCores.set(key, { labels: acc.labels, v: acc.n });
    r.cpu.set(key, { labels: acc.labels, v: 100 * (1 - acc.sum / acc.n) });
  }
  for (const [key, avail] of r.memAvailable) {
    const total = r.memTotal.get(key);
    if (total) r.mem.set(key, { labels: avail.labels, v: 100 * (1 - avail.v / total.v) });
  }
  return r;
}

function summarise(t: HostTarget, up: boolean, lastSeenMs: number | null, stateAtMs: number | null, r: Results, key: string): HostSummary {
  const uname = r.uname.get(key)?.labels;
  const os = r.os.get(key)?.labels;
  const num = (name: ResultName) => finiteOrNull(r[name].get(key)?.v);
  const osName = os ? os.get('pretty_name') || [os.get('name'), os.get('version')].filter(Boolean).join(' ') : '';
  return {
    instance: t.instance,
    job: t.job,
    up,
    lastSeenMs,
    stateAtMs,
    hostname: uname?.get('nodename') || null,
    os: osName || uname?.get('sysname') || null,
    kernel: uname?.get('release') || null,
    arch: uname?.get('machine') || null,
    uptimeSeconds: num('uptime'),
    cpuCores: num('cpuCores'),
    cpuUsedPercent: num('cpu'),
    load1: num('load1'),
    memoryTotalBytes: num('memTotal'),
    memoryUsedPercent: num('mem'),
    rootDiskUsedPercent: num('rootDisk'),
    networkReceiveBytesPerSecond: num('rx'),
    networkTransmitBytesPerSecond: num('tx'),
  };
}
