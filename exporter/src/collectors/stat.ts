/** The stat collector: boot time, context switches, forks, interrupts and process counts from /proc/stat. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { parseNumber } from '../host-files.js';

/** The stat collector definition. */
export const statCollector: CollectorDefinition = {
  name: 'stat',
  defaultEnabled: true,
  description: 'Boot time, context switches, forks, interrupts and running/blocked processes from /proc/stat.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/stat`;
    return {
      collect(out) {
        // The same /proc/stat text as the cpu collector's in this scrape (HostFiles.readShared).
        for (const line of ctx.files.readShared(path).split('\n')) {
          const space = line.indexOf(' ');
          const key = line.slice(0, space);
          // Only the first number is wanted; the intr line has hundreds more, so no split of the whole line.
          const first = (): number => {
            const rest = line.slice(space + 1).trimStart();
            const end = rest.indexOf(' ');
            return parseNumber(end < 0 ? rest : rest.slice(0, end), `${path} ${key}`);
          };
          switch (key) {
            case 'btime': out.gauge('node_boot_time_seconds', 'Node boot time, in unixtime.', first()); break;
            case 'ctxt': out.counter('node_context_switches_total', 'Total number of context switches.', first()); break;
            case 'processes': out.counter('node_forks_total', 'Total number of forks.', first()); break;
            case 'intr': out.counter('node_intr_total', 'Total number of interrupts serviced.', first()); break;
            case 'procs_running': out.gauge('node_procs_running', 'Number of processes in runnable state.', first()); break;
            case 'procs_blocked': out.gauge('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.', first()); break;
            default: break;
          }
        }
      },
    };
  },
};
