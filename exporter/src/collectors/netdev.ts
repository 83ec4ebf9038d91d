/** The netdev collector: per-interface receive and transmit counters from /proc/net/dev. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';

const RECEIVE = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'frame', 'compressed', 'multicast'];
const TRANSMIT = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'colls', 'carrier', 'compressed'];
const RECEIVE_NAMES = RECEIVE.map((s) => [`node_network_receive_${s}_total`, `Network device statistic receive_${s}.`] as const);
const TRANSMIT_NAMES = TRANSMIT.map((s) => [`node_network_transmit_${s}_total`, `Network device statistic transmit_${s}.`] as const);

/** Writes node_network_{receive,transmit}_*_total from the text of /proc/net/dev. */
export function writeNetdev(text: string, out: MetricWriter, exclude: RegExp | undefined, where: string): void {
  const lines = text.split('\n');
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const device = line.slice(0, colon).trim();
    if (exclude?.test(device)) continue;
    const f = line.slice(colon + 1).trim().split(/\s+/);
    if (f.length < 16) throw new Error(`${where}: interface ${device} has ${f.length} fields, expected 16`);
    // One label object per device, shared by its sixteen samples (labels are never mutated after writing).
    const labels = { device };
    for (let k = 0; k < 8; k++) {
      out.counter(RECEIVE_NAMES[k]![0], RECEIVE_NAMES[k]![1], Number(f[k]), labels);
      out.counter(TRANSMIT_NAMES[k]![0], TRANSMIT_NAMES[k]![1], Number(f[8 + k]), labels);
    }
  }
}

/** The netdev collector definition. */
export const netdevCollector: CollectorDefinition = {
  name: 'netdev',
  defaultEnabled: true,
  description: 'Network interface traffic counters from /proc/net/dev.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/net/dev`;
    return { collect: (out) => writeNetdev(ctx.files.readText(path), out, ctx.netDeviceExclude, path) };
  },
};
