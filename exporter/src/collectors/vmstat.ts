/** The vmstat collector: selected /proc/vmstat counters, as node_exporter's default field filter. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';

/** node_exporter 1.5's default `--collector.vmstat.fields`. */
export const DEFAULT_VMSTAT_FIELDS = /^(oom_kill|pgpg|pswp|pg.*fault).*/;

/** The vmstat collector definition. */
export const vmstatCollector: CollectorDefinition = {
  name: 'vmstat',
  defaultEnabled: true,
  description: 'Paging, swapping, page fault and OOM-kill counters from /proc/vmstat.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/vmstat`;
    // One scan for the few wanted lines instead of splitting all ~170: the default field filter, anchored
    // per line. Names are built once per field.
    const wanted = /^((?:oom_kill|pgpg|pswp|pg[a-z_]*fault)[a-z_0-9]*) (\d+)$/gm;
    const names = new Map<string, [string, string]>();
    return {
      collect(out) {
        const text = ctx.files.readText(path);
        wanted.lastIndex = 0;
        for (let m = wanted.exec(text); m !== null; m = wanted.exec(text)) {
          const field = m[1]!;
          let named = names.get(field);
          if (named === undefined) {
            named = [`node_vmstat_${field}`, `/proc/vmstat information field ${field}.`];
            names.set(field, named);
          }
          // Untyped, not counter: node_exporter exports every vmstat field untyped, and dashboards rely on the names.
          out.untyped(named[0], named[1], Number(m[2]));
        }
      },
    };
  },
};
