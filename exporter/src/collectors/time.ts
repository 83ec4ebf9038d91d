/** The time collector: current time, time zone offset and clock sources. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { listDir, readOptional } from '../host-files.js';

/** The time collector definition. */
export const timeCollector: CollectorDefinition = {
  name: 'time',
  defaultEnabled: true,
  description: 'Current system time, time zone offset and clock sources.',
  create(ctx: CollectorContext): Collector {
    const base = `${ctx.paths.sysfs}/devices/system/clocksource`;
    return {
      collect(out) {
        const nowMs = ctx.clock.now();
        out.gauge('node_time_seconds', 'System time in seconds since epoch (1970).', nowMs / 1000);
        const date = new Date(nowMs);
        const zone = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
        out.gauge('node_time_zone_offset_seconds', 'System time zone offset in seconds.', -date.getTimezoneOffset() * 60, { time_zone: zone });
        for (const dir of listDir(base)) {
          const m = /^clocksource(\d+)$/.exec(dir);
          if (m === null) continue;
          const device = m[1]!;
          for (const clocksource of (readOptional(`${base}/${dir}/available_clocksource`) ?? '').split(/\s+/).filter(Boolean)) {
            out.gauge('node_time_clocksource_available_info', "Available clocksources read from '/sys/devices/system/clocksource'.", 1, { clocksource, device });
          }
          const current = readOptional(`${base}/${dir}/current_clocksource`);
          if (current) out.gauge('node_time_clocksource_current_info', "Current clocksource read from '/sys/devices/system/clocksource'.", 1, { clocksource: current, device });
        }
      },
    };
  },
};
