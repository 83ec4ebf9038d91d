/** The meminfo collector: every /proc/meminfo field as node_memory_<Field>[_bytes]. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';
import { parseNumber } from '../host-files.js';

/** One /proc/meminfo line, matched where the previous one ended (sticky): "Name:   123 kB". */
const LINE = /([^:\n]+):[ \t]+(\d+)( kB)?[ \t]*(?:\n|$)/y;

/**
 * Writes node_exporter's meminfo families from the text of /proc/meminfo: fields in kB become
 * `node_memory_<Field>_bytes`, unitless fields (HugePages_Total) keep their name, and "(anon)"/"(file)"
 * become "_anon"/"_file". `names` keeps metric names and help by field, per unit ("kB" or none).
 */
export function writeMeminfo(text: string, out: MetricWriter, where: string, names: { kb: Map<string, [string, string]>; plain: Map<string, [string, string]> } = { kb: new Map(), plain: new Map() }): void {
  // One sticky regex walks the file line by line in native code (no split, no string per line); a line it
  // cannot match is malformed, unless it is empty.
  let at = 0;
  while (at < text.length) {
    LINE.lastIndex = at;
    const m = LINE.exec(text);
    if (m === null) {
      if (text.charCodeAt(at) === 10) {
        at++;
        continue;
      }
      const end = text.indexOf('\n', at);
      throw new Error(`${where}: malformed line "${text.slice(at, end < 0 ? undefined : end)}"`);
    }
    at = LINE.lastIndex;
    const kb = m[3] !== undefined;
    const byName = kb ? names.kb : names.plain;
    let named = byName.get(m[1]!);
    if (named === undefined) {
      const field = m[1]!.replace(/\((\w+)\)/, '_$1') + (kb ? '_bytes' : '');
      named = [`node_memory_${field}`, `Memory information field ${field}.`];
      byName.set(m[1]!, named);
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
    const names = { kb: new Map<string, [string, string]>(), plain: new Map<string, [string, string]>() };
    return { collect: (out) => writeMeminfo(ctx.files.readText(path), out, path, names) };
  },
};
