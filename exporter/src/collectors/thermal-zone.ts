/** The thermal_zone collector: thermal zone temperatures and cooling device states from /sys/class/thermal. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { listDir } from '../host-files.js';

/** The thermal_zone collector definition. */
export const thermalZoneCollector: CollectorDefinition = {
  name: 'thermal_zone',
  defaultEnabled: true,
  description: 'Thermal zone temperatures and cooling device states from /sys/class/thermal.',
  create(ctx: CollectorContext): Collector {
    const base = `${ctx.paths.sysfs}/class/thermal`;
    return {
      collect(out) {
        for (const entry of listDir(base)) {
          const dir = `${base}/${entry}`;
          let m = /^thermal_zone(\d+)$/.exec(entry);
          if (m !== null) {
            const temp = ctx.files.readOptional(`${dir}/temp`);
            const type = ctx.files.readOptional(`${dir}/type`) ?? '';
            if (temp !== undefined && temp !== '' && !Number.isNaN(Number(temp))) {
              out.gauge('node_thermal_zone_temp', 'Zone temperature in Celsius', Number(temp) / 1000, { type, zone: m[1]! });
            }
            continue;
          }
          m = /^cooling_device(\d+)$/.exec(entry);
          if (m !== null) {
            const type = ctx.files.readOptional(`${dir}/type`) ?? '';
            const cur = ctx.files.readOptional(`${dir}/cur_state`);
            const max = ctx.files.readOptional(`${dir}/max_state`);
            if (cur !== undefined && cur !== '') out.gauge('node_cooling_device_cur_state', 'Current throttle state of the cooling device', Number(cur), { name: m[1]!, type });
            if (max !== undefined && max !== '') out.gauge('node_cooling_device_max_state', 'Maximum throttle state of the cooling device', Number(max), { name: m[1]!, type });
          }
        }
      },
    };
  },
};
