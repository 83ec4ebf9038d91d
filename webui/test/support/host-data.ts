/**
 * Generates what a scraper would have stored for node_exporter hosts (and cAdvisor containers): the label
 * sets follow Debian's prometheus-node-exporter 1.5 (/work/shared/fixtures/node_exporter-1.5.txt) and
 * cAdvisor; values move smoothly with time so charts have a shape. About 100 series per host.
 */
import { Labels } from '@hlmon/model';

/** One generated sample. */
export interface GeneratedSample {
  readonly labels: Labels;
  readonly t: number;
  readonly v: number;
}

/** A host to generate. */
export interface HostSpec {
  readonly instance: string;
  readonly job?: string;
  readonly hostname: string;
  /** Number of containers it runs (cAdvisor series). */
  readonly containers?: number;
  /** When set, the exporter stops answering at this time: `up` is 0 from then on and the rest stops. */
  readonly downFromMs?: number;
  /** A seed that varies the values between hosts. */
  readonly seed?: number;
}

interface SeriesGen {
  readonly labels: Labels;
  /** Value at time t (seconds since the range start), given the host's seed. */
  readonly value: (tSec: number) => number;
}

const CPU_MODES: readonly [string, number][] = [
  ['idle', 0.7], ['iowait', 0.02], ['irq', 0], ['nice', 0], ['softirq', 0.01], ['steal', 0.005], ['system', 0.08], ['user', 0.18],
];

/** The series of one host, with a value function each. */
function hostSeries(spec: HostSpec, bootSec: number): { up: Labels; series: SeriesGen[] } {
  const job = spec.job ?? 'node';
  const base = { job, instance: spec.instance };
  const seed = spec.seed ?? 1;
  const wave = (period: number, phase = 0) => (t: number) => 0.5 + 0.5 * Math.sin((2 * Math.PI * t) / period + seed + phase);
  const s: SeriesGen[] = [];
  const add = (name: string, labels: Record<string, string>, value: (t: number) => number) =>
    s.push({ labels: Labels.from({ __name__: name, ...base, ...labels }), value });

  add('node_uname_info', { domainname: '(none)', machine: 'x86_64', nodename: spec.hostname, release: '6.1.0-13-amd64', sysname: 'Linux', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1' }, () => 1);
  add('node_os_info', { build_id: '', id: 'debian', id_like: '', image_id: '', image_version: '', name: 'Debian GNU/Linux', pretty_name: 'Debian GNU/Linux 12 (bookworm)', variant: '', variant_id: '', version: '12 (bookworm)', version_codename: 'bookworm', version_id: '12' }, () => 1);
  add('node_boot_time_seconds', {}, () => bootSec);
  // Counters are integrals of a rate that swings around its mean, so they never go down (no false resets).
  const counter = (mean: number, swing: number, period: number, phase = 0) => (t: number) =>
    mean * t + ((swing * period) / (2 * Math.PI)) * (1 - Math.cos((2 * Math.PI * t) / period + seed + phase));
  const busyShare = CPU_MODES.reduce((sum, [mode, share]) => (mode === 'idle' ? sum : sum + share), 0);
  for (let cpu = 0; cpu < 4; cpu++) {
    for (const [mode, share] of CPU_MODES) {
      // Busy modes swing with a 20-minute wave; idle takes the rest, so the modes sum to one second per second.
      add('node_cpu_seconds_total', { cpu: String(cpu), mode }, mode === 'idle'
        ? counter(1 - busyShare, -0.8 * busyShare, 1200, cpu)
        : counter(share, 0.8 * share, 1200, cpu));
    }
  }
  add('node_load1', {}, (t) => 4 * wave(600)(t));
  add('node_load5', {}, (t) => 3.5 * wave(900)(t));
  add('node_load15', {}, (t) => 3 * wave(1800)(t));
  const memTotal = 16 * 2 ** 30;
  add('node_memory_MemTotal_bytes', {}, () => memTotal);
  add('node_memory_MemAvailable_bytes', {}, (t) => memTotal * (0.35 + 0.3 * wave(3600)(t)));
  add('node_memory_MemFree_bytes', {}, (t) => memTotal * (0.1 + 0.2 * wave(3600)(t)));
  add('node_memory_Buffers_bytes', {}, () => 0.02 * memTotal);
  add('node_memory_Cached_bytes', {}, (t) => memTotal * (0.2 + 0.05 * wave(7200)(t)));
  add('node_memory_SwapTotal_bytes', {}, () => 2 * 2 ** 30);
  add('node_memory_SwapFree_bytes', {}, (t) => 2 * 2 ** 30 * (0.8 + 0.2 * wave(5000)(t)));
  const mounts: [string, string, number][] = [['/', '/dev/sda2', 250e9], ['/boot', '/dev/sda1', 1e9], ['/data', '/dev/sdb1', 4e12]];
  mounts.forEach(([mountpoint, device, size], i) => {
    const labels = { device, fstype: 'ext4', mountpoint };
    add('node_filesystem_size_bytes', labels, () => size);
    // Disks fill slowly, so the host page's forecast has something to extrapolate.
    add('node_filesystem_avail_bytes', labels, (t) => size * Math.max(0.02, 0.6 - 0.1 * i - t * 1e-6));
    add('node_filesystem_free_bytes', labels, (t) => size * Math.max(0.03, 0.65 - 0.1 * i - t * 1e-6));
  });
  for (const device of ['sda', 'sdb']) {
    add('node_disk_read_bytes_total', { device }, counter(2e6, 1.5e6, 900));
    add('node_disk_written_bytes_total', { device }, counter(1e6, 0.8e6, 700));
    add('node_disk_io_time_seconds_total', { device }, (t) => t * 0.05);
  }
  for (const [device, rate] of [['eth0', 5e5], ['lo', 1e4], ['docker0', 1e4]] as const) {
    add('node_network_receive_bytes_total', { device }, counter(rate, 0.5 * rate, 600));
    add('node_network_transmit_bytes_total', { device }, counter(0.3 * rate, 0.15 * rate, 500));
  }
  for (const [chip, sensor, temp] of [['platform_coretemp_0', 'temp1', 48], ['platform_coretemp_0', 'temp2', 45], ['pci0000:00_0000:00:18_3', 'temp1', 52]] as const) {
    add('node_hwmon_temp_celsius', { chip, sensor }, (t) => temp + 10 * wave(1500)(t));
  }
  for (let i = 0; i < (spec.containers ?? 0); i++) {
    const name = ['web', 'db', 'cache', 'proxy', 'worker', 'grafana'][i % 6]! + (i >= 6 ? String(i) : '');
    const labels = { id: `/docker/${(seed * 1000 + i).toString(16).padStart(12, '0')}`, image: `library/${name}:latest`, name };
    add('container_cpu_usage_seconds_total', labels, counter(0.05 * (1 + i), 0.04 * (1 + i), 800, i));
    add('container_memory_working_set_bytes', labels, (t) => 2 ** 27 * (1 + i) * (1 + 0.2 * wave(1800, i)(t)));
    add('container_spec_memory_limit_bytes', labels, () => (i % 2 === 0 ? 2 ** 30 : 0));
    add('container_network_receive_bytes_total', labels, (t) => t * 1e4 * (1 + i));
    add('container_network_transmit_bytes_total', labels, (t) => t * 5e3 * (1 + i));
    add('container_last_seen', labels, (t) => t); // replaced by the absolute time below
  }
  return { up: Labels.from({ __name__: 'up', ...base }), series: s };
}

/** One series to generate, with everything needed to produce its samples. */
interface PlannedSeries {
  readonly labels: Labels;
  readonly value: (tSec: number) => number;
  readonly spec: HostSpec;
  readonly isUp: boolean;
}

function plan(hosts: readonly HostSpec[], startMs: number): PlannedSeries[] {
  const out: PlannedSeries[] = [];
  for (const spec of hosts) {
    const { up, series } = hostSeries(spec, Math.floor(startMs / 1000) - 86_400 * 3);
    out.push({ labels: up, value: () => 1, spec, isUp: true });
    for (const g of series) out.push({ labels: g.labels, value: g.value, spec, isUp: false });
  }
  return out;
}

function* samplesOf(p: PlannedSeries, startMs: number, endMs: number, intervalMs: number): Generator<GeneratedSample> {
  // Scrapes of different hosts do not happen at the same millisecond; a fixed offset per host keeps it real.
  const offset = ((p.spec.seed ?? 1) * 997) % intervalMs;
  const isLastSeen = p.labels.metricName === 'container_last_seen';
  for (let t = startMs + offset; t <= endMs; t += intervalMs) {
    const down = p.spec.downFromMs !== undefined && t >= p.spec.downFromMs;
    if (p.isUp) { yield { labels: p.labels, t, v: down ? 0 : 1 }; continue; }
    if (down) break;
    const tSec = (t - startMs) / 1000;
    yield { labels: p.labels, t, v: isLastSeen ? t / 1000 : p.value(tSec + 86_400) };
  }
}

/** Samples for the hosts over [startMs, endMs] every `intervalMs`, host by host, each series in time order. */
export function* generateHosts(hosts: readonly HostSpec[], startMs: number, endMs: number, intervalMs = 15_000): Generator<GeneratedSample> {
  for (const p of plan(hosts, startMs)) yield* samplesOf(p, startMs, endMs, intervalMs);
}

/**
 * The same samples grouped by metric name (as OpenMetrics wants its families), so a large data set can be
 * streamed to promtool without holding it in memory.
 */
export function* generateHostsByFamily(hosts: readonly HostSpec[], startMs: number, endMs: number, intervalMs = 15_000): Generator<GeneratedSample> {
  const planned = plan(hosts, startMs).sort((a, b) => (a.labels.metricName < b.labels.metricName ? -1 : a.labels.metricName > b.labels.metricName ? 1 : 0));
  for (const p of planned) yield* samplesOf(p, startMs, endMs, intervalMs);
}

/** How many series one host with `containers` containers has (for the benchmark's table). */
export function seriesPerHost(containers: number): number {
  return hostSeries({ instance: 'x', hostname: 'x', containers }, 0).series.length + 1;
}

/** An uptime check to generate: blackbox_exporter's series as the scraper writes them for `checks:`. */
export interface CheckSpec {
  readonly check: string;
  readonly instance: string;
  /** Fails when this returns true for a scrape time. */
  readonly failsAt?: (tMs: number) => boolean;
  /** Certificate expiry (ms) for TLS targets. */
  readonly certExpiresMs?: number;
}

/** Samples for checks over [startMs, endMs] every `intervalMs`. */
export function* generateChecks(checks: readonly CheckSpec[], startMs: number, endMs: number, intervalMs = 30_000): Generator<GeneratedSample> {
  for (const c of checks) {
    const base = { job: 'check', check: c.check, instance: c.instance };
    const success = Labels.from({ __name__: 'probe_success', ...base });
    const duration = Labels.from({ __name__: 'probe_duration_seconds', ...base });
    const status = Labels.from({ __name__: 'probe_http_status_code', ...base });
    const cert = Labels.from({ __name__: 'probe_ssl_earliest_cert_expiry', ...base });
    for (let t = startMs; t <= endMs; t += intervalMs) {
      const failed = c.failsAt?.(t) ?? false;
      yield { labels: success, t, v: failed ? 0 : 1 };
      yield { labels: duration, t, v: 0.05 + 0.03 * Math.sin(t / 600_000) + (failed ? 1 : 0) };
      yield { labels: status, t, v: failed ? 503 : 200 };
      if (c.certExpiresMs !== undefined) yield { labels: cert, t, v: c.certExpiresMs / 1000 };
    }
  }
}
