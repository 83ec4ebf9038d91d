/** The netclass collector: interface properties from /sys/class/net/<iface>. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { listDir, readOptional } from '../host-files.js';

/** sysfs attribute, metric suffix, type, and scale; the order and names are node_exporter 1.5's. */
const PROPERTIES: ReadonlyArray<[string, string, 'gauge' | 'counter', number]> = [
  ['addr_assign_type', 'address_assign_type', 'gauge', 1],
  ['carrier', 'carrier', 'gauge', 1],
  ['carrier_changes', 'carrier_changes_total', 'counter', 1],
  ['carrier_up_count', 'carrier_up_changes_total', 'counter', 1],
  ['carrier_down_count', 'carrier_down_changes_total', 'counter', 1],
  ['dev_id', 'device_id', 'gauge', 1],
  ['dormant', 'dormant', 'gauge', 1],
  ['flags', 'flags', 'gauge', 1],
  ['ifindex', 'iface_id', 'gauge', 1],
  ['iflink', 'iface_link', 'gauge', 1],
  ['link_mode', 'iface_link_mode', 'gauge', 1],
  ['mtu', 'mtu_bytes', 'gauge', 1],
  ['name_assign_type', 'name_assign_type', 'gauge', 1],
  ['netdev_group', 'net_dev_group', 'gauge', 1],
  // sysfs reports Mbit/s; node_exporter reports bytes/s (x 1e6 / 8), including -1 for "unknown" as -125000.
  ['speed', 'speed_bytes', 'gauge', 125000],
  ['tx_queue_len', 'transmit_queue_length', 'gauge', 1],
  ['type', 'protocol_type', 'gauge', 1],
];

/** The netclass collector definition. */
export const netclassCollector: CollectorDefinition = {
  name: 'netclass',
  defaultEnabled: true,
  description: 'Network interface properties (up, speed, mtu, carrier, info) from /sys/class/net.',
  create(ctx: CollectorContext): Collector {
    const base = `${ctx.paths.sysfs}/class/net`;
    return {
      collect(out) {
        for (const device of listDir(base)) {
          if (ctx.netDeviceExclude?.test(device)) continue;
          const dir = `${base}/${device}`;
          const operstate = readOptional(`${dir}/operstate`) ?? '';
          out.gauge('node_network_info', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.', 1, {
            address: readOptional(`${dir}/address`) ?? '',
            broadcast: readOptional(`${dir}/broadcast`) ?? '',
            device,
            duplex: readOptional(`${dir}/duplex`) ?? '',
            ifalias: readOptional(`${dir}/ifalias`) ?? '',
            operstate,
          });
          out.gauge('node_network_up', "Value is 1 if operstate is 'up', 0 otherwise.", operstate === 'up' ? 1 : 0, { device });
          for (const [file, suffix, type, scale] of PROPERTIES) {
            // Many attributes fail with EINVAL on virtual or down interfaces (speed on lo); node_exporter skips them.
            const text = readOptional(`${dir}/${file}`);
            if (text === undefined || text === '') continue;
            const value = Number(text);
            if (Number.isNaN(value)) continue;
            out.family(`node_network_${suffix}`, type, `Network device property: ${suffix}`).samples.push({ suffix: '', labels: { device }, value: value * scale });
          }
        }
      },
    };
  },
};
