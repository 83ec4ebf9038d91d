/** The softnet collector: per-CPU packet processing statistics from /proc/net/softnet_stat. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';

/** The softnet collector definition. */
export const softnetCollector: CollectorDefinition = {
  name: 'softnet',
  defaultEnabled: true,
  description: 'Per-CPU processed, dropped and squeezed packet counts from /proc/net/softnet_stat.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/net/softnet_stat`;
    return {
      collect(out) {
        const lines = ctx.files.readText(path).split('\n');
        for (let i = 0; i < lines.length; i++) {
          const f = lines[i]!.trim().split(/\s+/);
          if (f.length < 3) continue;
          // One line per online CPU, in hexadecimal; node_exporter 1.5 labels them by line index.
          const labels = { cpu: String(i) };
          out.counter('node_softnet_processed_total', 'Number of processed packets', parseInt(f[0]!, 16), labels);
          out.counter('node_softnet_dropped_total', 'Number of dropped packets', parseInt(f[1]!, 16), labels);
          out.counter('node_softnet_times_squeezed_total', 'Number of times processing packets ran out of quota', parseInt(f[2]!, 16), labels);
        }
      },
    };
  },
};
