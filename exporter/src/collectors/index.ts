/** The collector registry: every collector kind this exporter knows, by platform. */
import type { CollectorDefinition } from '../collector.js';
import { arpCollector } from './arp.js';
import { conntrackCollector } from './conntrack.js';
import { cpuCollector } from './cpu.js';
import { cpufreqCollector } from './cpufreq.js';
import { diskstatsCollector } from './diskstats.js';
import { dockerCollector } from './docker.js';
import { entropyCollector } from './entropy.js';
import { filefdCollector } from './filefd.js';
import { filesystemCollector } from './filesystem.js';
import { hwmonCollector } from './hwmon.js';
import { loadavgCollector } from './loadavg.js';
import { meminfoCollector } from './meminfo.js';
import { netclassCollector } from './netclass.js';
import { netdevCollector } from './netdev.js';
import { netstatCollector } from './netstat.js';
import { osCollector } from './os.js';
import { PORTABLE_COLLECTORS } from './portable.js';
import { pressureCollector } from './pressure.js';
import { selinuxCollector } from './selinux.js';
import { sockstatCollector } from './sockstat.js';
import { softnetCollector } from './softnet.js';
import { statCollector } from './stat.js';
import { systemdCollector } from './systemd.js';
import { textfileCollector } from './textfile.js';
import { thermalZoneCollector } from './thermal-zone.js';
import { timeCollector } from './time.js';
import { unameCollector } from './uname.js';
import { vmstatCollector } from './vmstat.js';

/** Collectors that read /proc and /sys; Linux only. */
const LINUX_ONLY: readonly CollectorDefinition[] = [
  arpCollector, conntrackCollector, cpuCollector, cpufreqCollector, diskstatsCollector, entropyCollector, filefdCollector, filesystemCollector, hwmonCollector,
  meminfoCollector, netclassCollector, netdevCollector, netstatCollector, osCollector, pressureCollector, selinuxCollector, sockstatCollector, softnetCollector, statCollector,
  systemdCollector, thermalZoneCollector, vmstatCollector,
];

/** Collectors that work on every platform. */
const EVERYWHERE: readonly CollectorDefinition[] = [dockerCollector, loadavgCollector, textfileCollector, timeCollector, unameCollector];

/**
 * The collector definitions for a platform, sorted by name except that textfile comes last: when a textfile
 * redefines a family a built-in collector exports, the built-in one keeps it. On Linux the /proc readers;
 * elsewhere the portable ones take the same names, so `--collector.<name>` flags mean the same everywhere.
 */
export function collectorsFor(platform: NodeJS.Platform): CollectorDefinition[] {
  const list = platform === 'linux' ? [...LINUX_ONLY, ...EVERYWHERE] : [...PORTABLE_COLLECTORS, ...EVERYWHERE];
  const rank = (d: CollectorDefinition): number => (d.name === 'textfile' ? 1 : 0);
  // Plain code-unit order, not localeCompare: the names are ASCII, and the first locale comparison loads
  // ICU's collation data, about 2.7 MB of resident memory for this one sort.
  return list.sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Every collector name any platform knows; flags naming others are rejected. */
export function allCollectorNames(): Set<string> {
  return new Set([...LINUX_ONLY, ...EVERYWHERE, ...PORTABLE_COLLECTORS].map((c) => c.name));
}
