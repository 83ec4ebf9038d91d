/** The vmstat collector: selected /proc/vmstat counters, as node_exporter's default field filter. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { readText } from '../host-files.js';

/** node_exporter 1.5's default `--collector.vmstat.fields`. */
export const DEFAULT_VMSTAT_FIELDS = /^(oom_kill|pgpg|pswp|pg.*fault).*/;

/** The vmstat collector definition. */
export const vmstatCollector: CollectorDefinition = {
  name: 'vmstat',
  defaultEnabled: true,
  description: 'Paging, swapping, page fault and OOM-kill counters from /proc/vmstat.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/vmstat`;
    return {
      collect(out) {
        for (const line of readText(path).split('\n')) {
          const space = line.indexOf(' ');
          if (space < 0) continue;
          const field = line.slice(0, space);
          if (!DEFAULT_VMSTAT_FIELDS.test(field)) continue;
          // Untyped, not counter: node_exporter exports every vmstat field untyped, and dashboards rely on the names.
          out.untyped(`node_vmstat_${field}`, `/proc/vmstat information field ${field}.`, Number(line.slice(space + 1)));
        }
      },
    };
  },
};
