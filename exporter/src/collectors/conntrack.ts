/** The conntrack collector: netfilter connection tracking table size and statistics. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { parseNumber } from '../host-files.js';

const STATS: ReadonlyArray<[string, string]> = [
  ['found', 'Number of searched entries which were successful.'],
  ['invalid', 'Number of packets seen which can not be tracked.'],
  ['ignore', 'Number of packets seen which are already connected to a conntrack entry.'],
  ['insert', 'Number of entries inserted into the list.'],
  ['insert_failed', 'Number of entries for which list insertion was attempted but failed.'],
  ['drop', 'Number of packets dropped due to conntrack failure.'],
  ['early_drop', 'Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.'],
  ['search_restart', 'Number of conntrack table lookups which had to be restarted due to hashtable resizes.'],
];

/** The conntrack collector definition. */
export const conntrackCollector: CollectorDefinition = {
  name: 'conntrack',
  defaultEnabled: true,
  description: 'Netfilter conntrack entries, limit and per-CPU statistics (summed).',
  create(ctx: CollectorContext): Collector {
    const countPath = `${ctx.paths.procfs}/sys/net/netfilter/nf_conntrack_count`;
    const maxPath = `${ctx.paths.procfs}/sys/net/netfilter/nf_conntrack_max`;
    const statPath = `${ctx.paths.procfs}/net/stat/nf_conntrack`;
    return {
      collect(out) {
        // Without the nf_conntrack module the files are absent; node_exporter reports that as a failure too.
        out.gauge('node_nf_conntrack_entries', 'Number of currently allocated flow entries for connection tracking.', parseNumber(ctx.files.readText(countPath).trim(), countPath));
        out.gauge('node_nf_conntrack_entries_limit', 'Maximum size of connection tracking table.', parseNumber(ctx.files.readText(maxPath).trim(), maxPath));
        const stat = ctx.files.readOptional(statPath);
        if (stat === undefined) return;
        const lines = stat.split('\n');
        const header = lines[0]!.trim().split(/\s+/);
        const sums = new Map<string, number>();
        for (const line of lines.slice(1)) {
          const values = line.trim().split(/\s+/);
          header.forEach((h, i) => sums.set(h, (sums.get(h) ?? 0) + parseInt(values[i] ?? '0', 16)));
        }
        for (const [field, help] of STATS) {
          const v = sums.get(field);
          if (v !== undefined) out.gauge(`node_nf_conntrack_stat_${field}`, help, v);
        }
      },
    };
  },
};
