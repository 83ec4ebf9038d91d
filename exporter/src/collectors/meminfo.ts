/** The meminfo collector: every /proc/meminfo field as node_memory_<Field>[_bytes]. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';
import { parseNumber, readText } from '../host-files.js';

/**
 * Writes node_exporter's meminfo families from the text of /proc/meminfo: fields in kB become
 * `node_memory_<Field>_bytes`, unitless fields (HugePages_Total) keep their name, and "(anon)"/"(file)"
 * become "_anon"/"_file".
 */
export function writeMeminfo(text: string, out: MetricWriter, where: string): void {
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = /^([^:]+):\s+(\d+)(\s+kB)?\s*$/.exec(line);
    if (m === null) throw new Error(`${where}: malformed line "${line}"`);
    const field = m[1]!.replace(/\((\w+)\)/, '_$1');
    const kb = m[3] !== undefined;
    const name = `node_memory_${field}${kb ? '_bytes' : ''}`;
    out.gauge(name, `Memory information field ${field}${kb ? '_bytes' : ''}.`, parseNumber(m[2]!, where) * (kb ? 1024 : 1));
  }
}

/** The meminfo collector definition. */
export const meminfoCollector: CollectorDefinition = {
  name: 'meminfo',
  defaultEnabled: true,
  description: 'Memory statistics from /proc/meminfo.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/meminfo`;
    return { collect: (out) => writeMeminfo(readText(path), out, path) };
  },
};
