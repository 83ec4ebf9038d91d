/** The time collector: current time, time zone offset and clock sources. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { listDir } from '../host-files.js';
import { loadZoneRule, zoneAbbreviation } from '../time-zone.js';

/** The time collector definition. */
export const timeCollector: CollectorDefinition = {
  name: 'time',
  defaultEnabled: true,
  description: 'Current system time, time zone offset and clock sources.',
  create(ctx: CollectorContext): Collector {
    const base = `${ctx.paths.sysfs}/devices/system/clocksource`;
    // The zone's rule is read once: a process keeps its time zone for its lifetime, as Go's does.
    const zoneRule = loadZoneRule(process.env.TZ);
    // Clock source devices and the available list are fixed by the kernel at boot; only the current one changes.
    let devices: Array<{ dir: string; device: string; available: string[] }> | undefined;
    return {
      collect(out) {
        const nowMs = ctx.clock.now();
        out.gauge('node_time_seconds', 'System time in seconds since epoch (1970).', nowMs / 1000);
        const date = new Date(nowMs);
        const offsetSeconds = -date.getTimezoneOffset() * 60;
        out.gauge('node_time_zone_offset_seconds', 'System time zone offset in seconds.', offsetSeconds, { time_zone: zoneAbbreviation(zoneRule, offsetSeconds) });
        devices ??= listDir(base).filter((d) => /^clocksource\d+$/.test(d)).map((dir) => ({
          dir,
          device: dir.slice('clocksource'.length),
          available: (ctx.files.readOptional(`${base}/${dir}/available_clocksource`) ?? '').split(/\s+/).filter(Boolean),
        }));
        for (const { dir, device, available } of devices) {
          for (const clocksource of available) {
            out.gauge('node_time_clocksource_available_info', "Available clocksources read from '/sys/devices/system/clocksource'.", 1, { clocksource, device });
          }
          const current = ctx.files.readOptional(`${base}/${dir}/current_clocksource`);
          if (current) out.gauge('node_time_clocksource_current_info', "Current clocksource read from '/sys/devices/system/clocksource'.", 1, { clocksource: current, device });
        }
      },
    };
  },
};
