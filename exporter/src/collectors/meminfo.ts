/** The meminfo collector: every /proc/meminfo field as node_memory_<Field>[_bytes]. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';
import { parseNumber } from '../host-files.js';

/**
 * Writes node_exporter's meminfo families from the text of /proc/meminfo: fields in kB become
 * `node_memory_<Field>_bytes`, unitless fields (HugePages_Total) keep their name, and "(anon)"/"(file)"
 * become "_anon"/"_file".
 */
export function writeMeminfo(text: string, out: MetricWriter, where: string, names: Map<string, [string, string]> = new Map()): void {
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^([^:]+):\s+(\d+)(\s+kB)?\s*$/.exec(line);
    if (m === null) throw new Error(`${where}: malformed line "${line}"`);
    const kb = m[3] !== undefined;
    const key = kb ? m[1]! + ' kB' : m[1]!;
    let named = names.get(key);
    if (named === undefined) {
      const field = m[1]!.replace(/\((\w+)\)/, '_$1') + (kb ? '_bytes' : '');
      named = [`node_memory_${field}`, `Memory information field ${field}.`];
      names.set(key, named);
    }
    out.gauge(named[0], named[1], parseNumber(m[2]!, where) * (kb ? 1024 : 1));
  }
}

/** The meminfo collector definition. */
export const meminfoCollector: CollectorDefinition = {
  name: 'meminfo',
  defaultEnabled: true,
  description: 'Memory statistics from /proc/meminfo.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/meminfo`;
    // Metric names and help texts per field are built once; the field set is fixed by the kernel.
    const names = new Map<string, [string, string]>();
    return { collect: (out) => writeMeminfo(ctx.files.readText(path), out, path, names) };
  },
};
