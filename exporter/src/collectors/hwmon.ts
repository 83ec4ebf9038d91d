/** The hwmon collector: temperatures, fans and chip names from /sys/class/hwmon. */
import { realpathSync } from 'node:fs';
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';
import { listDir, type HostFiles } from '../host-files.js';

/** node_exporter's cleanMetricName: lower case, anything but [a-z0-9:_] becomes "_", trimmed of "_". */
function clean(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9:_]/g, '_').replace(/^_+|_+$/g, '');
}

/** The chip label node_exporter derives from the hwmon device's sysfs path, e.g. "platform_coretemp_0". */
export function hwmonChipName(files: HostFiles, dir: string): string {
  try {
    const real = realpathSync(`${dir}/device`);
    const parts = real.split('/');
    const devName = clean(parts[parts.length - 1] ?? '');
    const devType = clean(parts[parts.length - 2] ?? '');
    if (devType !== '' && devName !== '') return `${devType}_${devName}`;
    if (devName !== '') return devName;
  } catch {
    // No device link (virtual chips): fall back to the name file, as node_exporter does.
  }
  const name = files.readOptional(`${dir}/name`);
  if (name) return clean(name);
  return clean(dir.split('/').pop() ?? 'hwmon');
}

/** sensor file suffix → metric suffix and scale, for the kinds of sensors this collector reports. */
const SENSORS: Record<string, Record<string, [string, string, number]>> = {
  temp: {
    input: ['node_hwmon_temp_celsius', 'Hardware monitor for temperature (input)', 0.001],
    max: ['node_hwmon_temp_max_celsius', 'Hardware monitor for temperature (max)', 0.001],
    crit: ['node_hwmon_temp_crit_celsius', 'Hardware monitor for temperature (crit)', 0.001],
    crit_alarm: ['node_hwmon_temp_crit_alarm_celsius', 'Hardware monitor for temperature (crit_alarm)', 0.001],
  },
  fan: {
    input: ['node_hwmon_fan_rpm', 'Hardware monitor for fan revolutions per minute (input)', 1],
    min: ['node_hwmon_fan_min_rpm', 'Hardware monitor for fan revolutions per minute (min)', 1],
    alarm: ['node_hwmon_fan_alarm', 'Hardware sensor alarm status (fan)', 1],
  },
};

function collectChip(files: HostFiles, dir: string, chip: string, out: MetricWriter): void {
  const chipName = files.readOptional(`${dir}/name`);
  if (chipName) out.gauge('node_hwmon_chip_names', 'Annotation metric for human-readable chip names', 1, { chip, chip_name: chipName });
  for (const file of listDir(dir)) {
    const m = /^(temp|fan)(\d+)_([a-z_]+)$/.exec(file);
    if (m === null) continue;
    const [, kind, index, attr] = m as unknown as [string, string, string, string];
    const sensor = `${kind}${index}`;
    if (attr === 'label') {
      const label = files.readOptional(`${dir}/${file}`);
      if (label) out.gauge('node_hwmon_sensor_label', 'Label for given chip and sensor', 1, { chip, label, sensor });
      continue;
    }
    const spec = SENSORS[kind]?.[attr];
    if (spec === undefined) continue;
    const text = files.readOptional(`${dir}/${file}`);
    if (text === undefined || text === '' || Number.isNaN(Number(text))) continue;
    out.gauge(spec[0], spec[1], Number(text) * spec[2], { chip, sensor });
  }
}

/** The hwmon collector definition. */
export const hwmonCollector: CollectorDefinition = {
  name: 'hwmon',
  defaultEnabled: true,
  description: 'Temperatures and fan speeds from /sys/class/hwmon.',
  create(ctx: CollectorContext): Collector {
    const base = `${ctx.paths.sysfs}/class/hwmon`;
    // Chip names come from resolving symlinks, which costs several syscalls; they do not change while running.
    const chipNames = new Map<string, string>();
    return {
      collect(out) {
        for (const entry of listDir(base)) {
          const dir = `${base}/${entry}`;
          let chip = chipNames.get(dir);
          if (chip === undefined) {
            chip = hwmonChipName(ctx.files, dir);
            chipNames.set(dir, chip);
          }
          collectChip(ctx.files, dir, chip, out);
          // Older drivers put the sensor files one level down, in device/.
          if (listDir(`${dir}/device`).some((f) => /^(temp|fan)\d+_input$/.test(f))) collectChip(ctx.files, `${dir}/device`, chip, out);
        }
      },
    };
  },
};
