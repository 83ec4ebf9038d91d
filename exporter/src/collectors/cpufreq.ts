/** The cpufreq collector: CPU frequencies from /sys/devices/system/cpu/cpu<N>/cpufreq. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { listDir } from '../host-files.js';

const KHZ = 1000;

/** The cpufreq collector definition. */
export const cpufreqCollector: CollectorDefinition = {
  name: 'cpufreq',
  defaultEnabled: true,
  description: 'CPU frequency (current, scaling min/max) from sysfs cpufreq.',
  create(ctx: CollectorContext): Collector {
    const base = `${ctx.paths.sysfs}/devices/system/cpu`;
    // The set of CPUs and whether they have cpufreq does not change while running (hotplug aside), so list once.
    let cpus: string[] | undefined;
    return {
      collect(out) {
        cpus ??= listDir(base).filter((d) => /^cpu\d+$/.test(d) && listDir(`${base}/${d}/cpufreq`).length > 0);
        const gauges: Array<[string, string, string]> = [
          ['cpuinfo_cur_freq', 'node_cpu_frequency_hertz', 'Current cpu thread frequency in hertz.'],
          ['cpuinfo_max_freq', 'node_cpu_frequency_max_hertz', 'Maximum cpu thread frequency in hertz.'],
          ['cpuinfo_min_freq', 'node_cpu_frequency_min_hertz', 'Minimum cpu thread frequency in hertz.'],
          ['scaling_cur_freq', 'node_cpu_scaling_frequency_hertz', 'Current scaled CPU thread frequency in hertz.'],
          ['scaling_max_freq', 'node_cpu_scaling_frequency_max_hertz', 'Maximum scaled CPU thread frequency in hertz.'],
          ['scaling_min_freq', 'node_cpu_scaling_frequency_min_hertz', 'Minimum scaled CPU thread frequency in hertz.'],
        ];
        for (const dir of cpus) {
          const cpu = dir.slice(3);
          for (const [file, name, help] of gauges) {
            const text = ctx.files.readOptional(`${base}/${dir}/cpufreq/${file}`);
            if (text !== undefined && text !== '' && !Number.isNaN(Number(text))) out.gauge(name, help, Number(text) * KHZ, { cpu });
          }
        }
      },
    };
  },
};
