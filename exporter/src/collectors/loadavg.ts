/** The loadavg collector: node_load1, node_load5, node_load15. */
import { loadavg } from 'node:os';
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { parseNumber } from '../host-files.js';

/** The loadavg collector definition. */
export const loadavgCollector: CollectorDefinition = {
  name: 'loadavg',
  defaultEnabled: true,
  description: 'Load averages from /proc/loadavg (os.loadavg() on other systems).',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/loadavg`;
    return {
      collect(out) {
        let values: number[];
        if (ctx.platform === 'linux') {
          const fields = ctx.files.readText(path).trim().split(/\s+/);
          values = [0, 1, 2].map((i) => parseNumber(fields[i] ?? '', path));
        } else {
          values = loadavg();
        }
        out.gauge('node_load1', '1m load average.', values[0]!);
        out.gauge('node_load5', '5m load average.', values[1]!);
        out.gauge('node_load15', '15m load average.', values[2]!);
      },
    };
  },
};
