/**
 * Collectors for hosts without /proc (macOS, Windows, the BSDs), built on node:os and systeminformation.
 * On Linux the /proc and /sys collectors are used instead and none of this runs on the scrape path.
 * systeminformation results are cached because many of its calls spawn processes on these systems.
 */
import { cpus, uptime } from 'node:os';
import type { Systeminformation } from 'systeminformation';
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { Cached } from '../cached.js';

/** Loads systeminformation on first use: it is large, and on Linux it is never needed on the scrape path. */
async function si(): Promise<typeof import('systeminformation')> {
  return (await import('systeminformation')).default;
}

/** How long systeminformation results are reused; shorter than any sensible scrape interval is pointless. */
const SI_TTL_MS = 10_000;

/** cpu via os.cpus(): times are in milliseconds per CPU. */
export const portableCpuCollector: CollectorDefinition = {
  name: 'cpu',
  defaultEnabled: true,
  description: 'CPU time per CPU and mode from os.cpus() (non-Linux).',
  create(): Collector {
    return {
      collect(out) {
        const f = out.family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.');
        cpus().forEach((c, i) => {
          const cpu = String(i);
          for (const [mode, ms] of [['user', c.times.user], ['nice', c.times.nice], ['system', c.times.sys], ['idle', c.times.idle], ['irq', c.times.irq]] as const) {
            f.samples.push({ suffix: '', labels: { cpu, mode }, value: ms / 1000 });
          }
        });
      },
    };
  },
};

/** meminfo via systeminformation, in the Linux names so the same dashboards work. */
export const portableMeminfoCollector: CollectorDefinition = {
  name: 'meminfo',
  defaultEnabled: true,
  description: 'Memory totals from systeminformation (non-Linux), in node_memory_*_bytes names.',
  create(ctx: CollectorContext): Collector {
    const mem = new Cached<Systeminformation.MemData>(async () => (await si()).mem(), SI_TTL_MS, ctx.clock);
    return {
      async collect(out) {
        const m = await mem.get();
        out.gauge('node_memory_MemTotal_bytes', 'Memory information field MemTotal_bytes.', m.total);
        out.gauge('node_memory_MemFree_bytes', 'Memory information field MemFree_bytes.', m.free);
        out.gauge('node_memory_MemAvailable_bytes', 'Memory information field MemAvailable_bytes.', m.available);
        out.gauge('node_memory_SwapTotal_bytes', 'Memory information field SwapTotal_bytes.', m.swaptotal);
        out.gauge('node_memory_SwapFree_bytes', 'Memory information field SwapFree_bytes.', m.swapfree);
      },
    };
  },
};

/** filesystem via systeminformation's fsSize. */
export const portableFilesystemCollector: CollectorDefinition = {
  name: 'filesystem',
  defaultEnabled: true,
  description: 'Filesystem sizes from systeminformation (non-Linux).',
  create(ctx: CollectorContext): Collector {
    const fs = new Cached<Systeminformation.FsSizeData[]>(async () => (await si()).fsSize(), SI_TTL_MS, ctx.clock);
    return {
      async collect(out) {
        for (const f of await fs.get()) {
          if (ctx.filesystemMountPointsExclude.test(f.mount) || ctx.filesystemFsTypesExclude.test(f.type)) continue;
          const labels = { device: f.fs, fstype: f.type, mountpoint: f.mount };
          out.gauge('node_filesystem_size_bytes', 'Filesystem size in bytes.', f.size, labels);
          out.gauge('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', f.available, labels);
          out.gauge('node_filesystem_free_bytes', 'Filesystem free space in bytes.', f.size - f.used, labels);
          out.gauge('node_filesystem_readonly', 'Filesystem read-only status.', f.rw === false ? 1 : 0, labels);
          out.gauge('node_filesystem_device_error', 'Whether an error occurred while getting statistics for the given device.', 0, labels);
        }
      },
    };
  },
};

/** netdev via systeminformation's networkStats. */
export const portableNetdevCollector: CollectorDefinition = {
  name: 'netdev',
  defaultEnabled: true,
  description: 'Network interface counters from systeminformation (non-Linux).',
  create(ctx: CollectorContext): Collector {
    const stats = new Cached<Systeminformation.NetworkStatsData[]>(async () => (await si()).networkStats('*'), SI_TTL_MS, ctx.clock);
    return {
      async collect(out) {
        for (const s of await stats.get()) {
          if (ctx.netDeviceExclude?.test(s.iface)) continue;
          const labels = { device: s.iface };
          out.counter('node_network_receive_bytes_total', 'Network device statistic receive_bytes.', s.rx_bytes, labels);
          out.counter('node_network_transmit_bytes_total', 'Network device statistic transmit_bytes.', s.tx_bytes, labels);
          out.counter('node_network_receive_errs_total', 'Network device statistic receive_errs.', s.rx_errors, labels);
          out.counter('node_network_transmit_errs_total', 'Network device statistic transmit_errs.', s.tx_errors, labels);
          out.counter('node_network_receive_drop_total', 'Network device statistic receive_drop.', s.rx_dropped, labels);
          out.counter('node_network_transmit_drop_total', 'Network device statistic transmit_drop.', s.tx_dropped, labels);
        }
      },
    };
  },
};

/** boot time from os.uptime() (the stat collector's node_boot_time_seconds on non-Linux). */
export const portableStatCollector: CollectorDefinition = {
  name: 'stat',
  defaultEnabled: true,
  description: 'Boot time from os.uptime() (non-Linux).',
  create(ctx: CollectorContext): Collector {
    return {
      collect(out) {
        out.gauge('node_boot_time_seconds', 'Node boot time, in unixtime.', Math.round(ctx.clock.now() / 1000 - uptime()));
      },
    };
  },
};

/** os via systeminformation's osInfo, an inventory fact cached for an hour. */
export const portableOsCollector: CollectorDefinition = {
  name: 'os',
  defaultEnabled: true,
  description: 'Operating system name and version from systeminformation (non-Linux), cached.',
  create(ctx: CollectorContext): Collector {
    const info = new Cached<Systeminformation.OsData>(async () => (await si()).osInfo(), 3_600_000, ctx.clock);
    return {
      async collect(out) {
        const o = await info.get();
        out.gauge('node_os_info', "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.", 1, {
          build_id: o.build, id: o.platform, id_like: '', image_id: '', image_version: '', name: o.distro, pretty_name: `${o.distro} ${o.release}`.trim(),
          variant: '', variant_id: '', version: o.release, version_codename: o.codename, version_id: o.release,
        });
        const v = /^\d+(\.\d+)?/.exec(o.release);
        if (v !== null) out.gauge('node_os_version', 'Metric containing the major.minor part of the OS version.', Number(v[0]), { id: o.platform, id_like: '', name: o.distro });
      },
    };
  },
};

/** The collectors that replace Linux ones on other platforms, by name. */
export const PORTABLE_COLLECTORS: readonly CollectorDefinition[] = [
  portableCpuCollector, portableMeminfoCollector, portableFilesystemCollector, portableNetdevCollector, portableStatCollector, portableOsCollector,
];
