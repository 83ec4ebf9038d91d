/** The cpu collector: per-CPU time per mode from /proc/stat, as node_exporter's `cpu` collector. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';
import { parseNumber } from '../host-files.js';

/** USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture node_exporter supports. */
const USER_HZ = 100;
const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/** Writes node_cpu_seconds_total and node_cpu_guest_seconds_total from the text of /proc/stat. */
export function writeCpuStat(stat: string, out: MetricWriter, where: string): void {
  const seconds = out.family('node_cpu_seconds_total', 'counter', 'Seconds the CPUs spent in each mode.');
  const guest = out.family('node_cpu_guest_seconds_total', 'counter', 'Seconds the CPUs spent in guests (VMs) for each mode.');
  for (const line of stat.split('\n')) {
    // Only the per-CPU lines ("cpu0 ..."), not the "cpu " total line, as node_exporter.
    if (!line.startsWith('cpu') || line[3] === ' ') continue;
    const fields = line.split(/\s+/);
    const cpu = fields[0]!.slice(3);
    for (let i = 0; i < MODES.length; i++) {
      seconds.samples.push({ suffix: '', labels: { cpu, mode: MODES[i]! }, value: parseNumber(fields[i + 1] ?? '', where) / USER_HZ });
    }
    if (fields.length > 10) {
      guest.samples.push({ suffix: '', labels: { cpu, mode: 'user' }, value: parseNumber(fields[9]!, where) / USER_HZ });
      guest.samples.push({ suffix: '', labels: { cpu, mode: 'nice' }, value: parseNumber(fields[10]!, where) / USER_HZ });
    }
  }
}

/** The cpu collector definition. */
export const cpuCollector: CollectorDefinition = {
  name: 'cpu',
  defaultEnabled: true,
  description: 'CPU time per CPU and mode from /proc/stat.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/stat`;
    return { collect: (out) => writeCpuStat(ctx.files.readShared(path), out, path) };
  },
};
