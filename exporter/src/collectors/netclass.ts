/** The netclass collector: interface properties from /sys/class/net/<iface>. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { listDir } from '../host-files.js';

/** sysfs attribute, metric suffix, type, and scale; the order and names are node_exporter 1.5's. */
const PROPERTY_LIST: ReadonlyArray<[string, string, 'gauge' | 'counter', number]> = [
  ['addr_assign_type', 'address_assign_type', 'gauge', 1],
  ['carrier', 'carrier', 'gauge', 1],
  ['carrier_up_count', 'carrier_up_changes_total', 'counter', 1],
  ['carrier_down_count', 'carrier_down_changes_total', 'counter', 1],
  ['dev_id', 'device_id', 'gauge', 1],
  ['dormant', 'dormant', 'gauge', 1],
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

/** The properties with their family name and help text, built once instead of per interface per scrape. */
const PROPERTIES = PROPERTY_LIST.map(([file, suffix, type, scale]) => ({ file, type, scale, name: `node_network_${suffix}`, help: `Network device property: ${suffix}` }));

/**
 * Attributes fixed for the life of an interface (its kernel index, type, hardware address...). They are
 * read once per interface and kept while the interface exists, which halves the files read per scrape.
 */
/**
 * Attributes the kernel refuses (EINVAL) while an interface is down; they are not even tried then, which
 * saves four failing reads per down interface per scrape.
 */
const NEEDS_RUNNING = new Set(['carrier', 'dormant', 'speed', 'duplex']);
/** IFF_UP in the `flags` attribute. */
const IFF_UP = 0x1;

const STATIC_ATTRIBUTES = new Set(['addr_assign_type', 'dev_id', 'ifindex', 'iflink', 'name_assign_type', 'type', 'address', 'broadcast']);

/**
 * Attributes that change only by an administrator's command (ip link set ... mtu/txqueuelen/alias/group).
 * They are re-read at most every ADMIN_REFRESH_MS, so such a change shows within 30 s; link state, carrier,
 * speed, duplex and flags are read on every scrape. On a host with a handful of interfaces this saves
 * about a third of the files the collector opens.
 */
const ADMIN_ATTRIBUTES = new Set(['mtu', 'tx_queue_len', 'link_mode', 'netdev_group', 'ifalias']);
const ADMIN_REFRESH_MS = 30_000;

/**
 * Attributes that change only when the link goes down and up again (a renegotiation): re-read only when
 * the carrier up/down counters moved since the last scrape.
 */
const LINK_ATTRIBUTES = new Set(['speed', 'duplex']);

/** The netclass collector definition. */
export const netclassCollector: CollectorDefinition = {
  name: 'netclass',
  defaultEnabled: true,
  description: 'Network interface properties (up, speed, mtu, carrier, info) from /sys/class/net.',
  create(ctx: CollectorContext): Collector {
    const base = `${ctx.paths.sysfs}/class/net`;
    type Cache = Map<string, { value: string | undefined; readAtMs: number }>;
    let statics = new Map<string, Cache>();
    let pathsOf = new Map<string, Map<string, string>>();
    return {
      collect(out) {
        const nowMs = ctx.clock.now();
        const seen = new Map<string, Cache>();
        const seenPaths = new Map<string, Map<string, string>>();
        for (const device of listDir(base)) {
          if (ctx.netDeviceExclude?.test(device)) continue;
          const dir = `${base}/${device}`;
          // An interface that is removed and re-created gets a new ifindex; the cache is keyed by name and
          // dropped for interfaces that disappear, so a re-created one is read afresh after one absent scrape.
          const cache: Cache = statics.get(device) ?? new Map();
          seen.set(device, cache);
          // Attribute paths are built once per interface: the same strings (hashes computed) every scrape.
          const paths = pathsOf.get(device) ?? new Map<string, string>();
          seenPaths.set(device, paths);
          const at = (file: string): string => {
            let path = paths.get(file);
            if (path === undefined) paths.set(file, (path = `${dir}/${file}`));
            return path;
          };
          const operstate = ctx.files.readOptional(at('operstate')) ?? '';
          const flags = Number(ctx.files.readOptional(at('flags')) ?? 'NaN');
          const running = Number.isNaN(flags) || (flags & IFF_UP) !== 0;
          // The carrier counters are read first: speed and duplex are only re-read when they moved.
          const carrierUpText = ctx.files.readOptional(at('carrier_up_count'));
          const carrierDownText = ctx.files.readOptional(at('carrier_down_count'));
          const linkEpoch = `${flags} ${carrierUpText} ${carrierDownText}`;
          // Without the counters (kernels before 4.16) a renegotiation cannot be seen, so speed is always read.
          const linkChanged = carrierUpText === undefined || cache.get('\0link')?.value !== linkEpoch;
          cache.set('\0link', { value: linkEpoch, readAtMs: nowMs });
          const read = (file: string): string | undefined => {
            if (file === 'carrier_up_count') return carrierUpText;
            if (file === 'carrier_down_count') return carrierDownText;
            if (file === 'flags') return undefined; // Written above.
            const isStatic = STATIC_ATTRIBUTES.has(file);
            const isLink = LINK_ATTRIBUTES.has(file);
            if (!isStatic && !isLink && !ADMIN_ATTRIBUTES.has(file)) return ctx.files.readOptional(at(file));
            const cached = cache.get(file);
            if (cached !== undefined && (isStatic || (isLink ? !linkChanged : nowMs - cached.readAtMs < ADMIN_REFRESH_MS))) return cached.value;
            const value = ctx.files.readOptional(at(file));
            cache.set(file, { value, readAtMs: nowMs });
            return value;
          };
          // One label object per interface, shared by all its samples (labels are never mutated after writing).
          const labels = { device };
          if (!Number.isNaN(flags)) out.gauge('node_network_flags', 'Network device property: flags', flags, labels);
          out.gauge('node_network_info', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.', 1, {
            address: read('address') ?? '',
            broadcast: read('broadcast') ?? '',
            device,
            duplex: (running ? read('duplex') : undefined) ?? '',
            ifalias: read('ifalias') ?? '',
            operstate,
          });
          out.gauge('node_network_up', "Value is 1 if operstate is 'up', 0 otherwise.", operstate === 'up' ? 1 : 0, labels);
          let carrierUp: number | undefined;
          let carrierDown: number | undefined;
          for (const { file, type, scale, name, help } of PROPERTIES) {
            if (!running && NEEDS_RUNNING.has(file)) continue;
            // Many attributes fail with EINVAL on virtual or down interfaces (speed on lo); node_exporter skips them.
            const text = read(file);
            if (text === undefined || text === '') continue;
            const value = Number(text);
            if (Number.isNaN(value)) continue;
            out.family(name, type, help).samples.push({ suffix: '', labels, value: value * scale });
            if (file === 'carrier_up_count') carrierUp = value;
            if (file === 'carrier_down_count') carrierDown = value;
          }
          // Since Linux 4.16 the kernel computes carrier_changes as up + down; computing it here saves a read.
          if (carrierUp !== undefined && carrierDown !== undefined) {
            out.counter('node_network_carrier_changes_total', 'Network device property: carrier_changes_total', carrierUp + carrierDown, labels);
          } else {
            const changes = ctx.files.readOptional(at('carrier_changes'));
            if (changes) out.counter('node_network_carrier_changes_total', 'Network device property: carrier_changes_total', Number(changes), labels);
          }
        }
        statics = seen;
        pathsOf = seenPaths;
      },
    };
  },
};
