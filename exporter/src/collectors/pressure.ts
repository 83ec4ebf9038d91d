/** The pressure collector: Linux pressure stall information (PSI) from /proc/pressure. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';

/** Returns the `total=` value in microseconds of the "some" or "full" line, or undefined when absent. */
export function psiTotalMicros(text: string, kind: 'some' | 'full', where: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(kind + ' '));
  if (line === undefined) return undefined;
  const m = /total=(\d+)/.exec(line);
  if (m === null) throw new Error(`${where}: no total= in "${line}"`);
  return Number(m[1]);
}

const RESOURCES: ReadonlyArray<[string, string, string | undefined, string | undefined]> = [
  ['cpu', 'Total time in seconds that processes have waited for CPU time', undefined, undefined],
  ['io', 'Total time in seconds that processes have waited due to IO congestion', 'io_stalled', 'Total time in seconds no process could make progress due to IO congestion'],
  ['memory', 'Total time in seconds that processes have waited for memory', 'memory_stalled', 'Total time in seconds no process could make progress due to memory congestion'],
];

/** The pressure collector definition. */
export const pressureCollector: CollectorDefinition = {
  name: 'pressure',
  defaultEnabled: true,
  description: 'Pressure stall information (PSI) for cpu, io and memory from /proc/pressure.',
  create(ctx: CollectorContext): Collector {
    return {
      collect(out) {
        for (const [resource, waitingHelp, stalled, stalledHelp] of RESOURCES) {
          const path = `${ctx.paths.procfs}/pressure/${resource}`;
          const text = ctx.files.readText(path);
          const some = psiTotalMicros(text, 'some', path);
          if (some !== undefined) out.counter(`node_pressure_${resource}_waiting_seconds_total`, waitingHelp, some / 1e6);
          // node_exporter 1.5 reports "full" for io and memory only (cpu "full" is always 0 at system level).
          if (stalled !== undefined) {
            const full = psiTotalMicros(text, 'full', path);
            if (full !== undefined) out.counter(`node_pressure_${stalled}_seconds_total`, stalledHelp!, full / 1e6);
          }
        }
      },
    };
  },
};
