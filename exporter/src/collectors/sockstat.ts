/** The sockstat collector: socket counts per protocol from /proc/net/sockstat and sockstat6. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';

/** The kernel's page size, in which sockstat reports `mem`; 4 KiB on every platform node_exporter's users run. */
const PAGE_BYTES = 4096;

/** Writes node_sockstat_* from the text of /proc/net/sockstat or sockstat6. */
export function writeSockstat(text: string, out: MetricWriter): void {
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
      out.gauge(`node_sockstat_${protocol}_${field}`, `Number of ${protocol} sockets in state ${field}.`, value);
      if (field === 'mem') out.gauge(`node_sockstat_${protocol}_mem_bytes`, `Number of ${protocol} sockets in state mem_bytes.`, value * PAGE_BYTES);
    }
  }
}

/** The sockstat collector definition. */
export const sockstatCollector: CollectorDefinition = {
  name: 'sockstat',
  defaultEnabled: true,
  description: 'Socket counts per protocol from /proc/net/sockstat and /proc/net/sockstat6.',
  create(ctx: CollectorContext): Collector {
    return {
      collect(out) {
        writeSockstat(ctx.files.readText(`${ctx.paths.procfs}/net/sockstat`), out);
        // Hosts with IPv6 disabled have no sockstat6; node_exporter skips it too.
        const v6 = ctx.files.readOptional(`${ctx.paths.procfs}/net/sockstat6`);
        if (v6 !== undefined) writeSockstat(v6, out);
      },
    };
  },
};
