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
    // The filter decision per field, made once: /proc/vmstat has about 170 fields and 7 are exported.
    const names = new Map<string, [string, string] | null>();
    return {
      collect(out) {
        for (const line of readText(path).split('\n')) {
          const space = line.indexOf(' ');
          if (space < 0) continue;
          const field = line.slice(0, space);
          let named = names.get(field);
          if (named === undefined) {
            named = DEFAULT_VMSTAT_FIELDS.test(field) ? [`node_vmstat_${field}`, `/proc/vmstat information field ${field}.`] : null;
            names.set(field, named);
          }
          if (named === null) continue;
          // Untyped, not counter: node_exporter exports every vmstat field untyped, and dashboards rely on the names.
          out.untyped(named[0], named[1], Number(line.slice(space + 1)));
        }
      },
    };
  },
};
