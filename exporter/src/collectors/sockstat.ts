/** The sockstat collector: socket counts per protocol from /proc/net/sockstat and sockstat6. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';

/** The kernel's page size, in which sockstat reports `mem`; 4 KiB on every platform node_exporter's users run. */
const PAGE_BYTES = 4096;

/** Family names and help by protocol and field, built once: `[name, help]`, plus the `_mem_bytes` pair for `mem`. */
export type SockstatNames = Map<string, Map<string, readonly string[]>>;

/** Writes node_sockstat_* from the text of /proc/net/sockstat or sockstat6. */
export function writeSockstat(text: string, out: MetricWriter, names: SockstatNames = new Map()): void {
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const protocol = line.slice(0, colon);
    const f = line.slice(colon + 1).trim().split(/\s+/);
    for (let i = 0; i + 1 < f.length; i += 2) {
      const field = f[i]!;
      const value = Number(f[i + 1]);
      if (protocol === 'sockets' && field === 'used') {
        out.gauge('node_sockstat_sockets_used', 'Number of IPv4 sockets in use.', value);
        continue;
      }
      let byField = names.get(protocol);
      if (byField === undefined) names.set(protocol, (byField = new Map()));
      let named = byField.get(field);
      if (named === undefined) {
        named = [`node_sockstat_${protocol}_${field}`, `Number of ${protocol} sockets in state ${field}.`];
        if (field === 'mem') named = [...named, `node_sockstat_${protocol}_mem_bytes`, `Number of ${protocol} sockets in state mem_bytes.`];
        byField.set(field, named);
      }
      out.gauge(named[0]!, named[1]!, value);
      if (named.length === 4) out.gauge(named[2]!, named[3]!, value * PAGE_BYTES);
    }
  }
}

/** The sockstat collector definition. */
export const sockstatCollector: CollectorDefinition = {
  name: 'sockstat',
  defaultEnabled: true,
  description: 'Socket counts per protocol from /proc/net/sockstat and /proc/net/sockstat6.',
  create(ctx: CollectorContext): Collector {
    const v4Path = `${ctx.paths.procfs}/net/sockstat`;
    const v6Path = `${ctx.paths.procfs}/net/sockstat6`;
    const names: SockstatNames = new Map();
    return {
      collect(out) {
        writeSockstat(ctx.files.readText(v4Path), out, names);
        // Hosts with IPv6 disabled have no sockstat6; node_exporter skips it too.
        const v6 = ctx.files.readOptional(v6Path);
        if (v6 !== undefined) writeSockstat(v6, out, names);
      },
    };
  },
};
