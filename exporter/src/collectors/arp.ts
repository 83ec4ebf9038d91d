/** The arp collector: ARP table entries per device from /proc/net/arp. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';

/** The arp collector definition. */
export const arpCollector: CollectorDefinition = {
  name: 'arp',
  defaultEnabled: true,
  description: 'ARP table entries per device from /proc/net/arp.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/net/arp`;
    return {
      collect(out) {
        const counts = new Map<string, number>();
        const lines = ctx.files.readText(path).split('\n');
        // The first line is the column header; the device is the last column.
        for (let i = 1; i < lines.length; i++) {
          const f = lines[i]!.trim().split(/\s+/);
          if (f.length < 6) continue;
          counts.set(f[5]!, (counts.get(f[5]!) ?? 0) + 1);
        }
        for (const [device, n] of counts) out.gauge('node_arp_entries', 'ARP entries by device', n, { device });
      },
    };
  },
};
