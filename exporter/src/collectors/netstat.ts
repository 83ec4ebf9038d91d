/** The netstat collector: selected protocol counters from /proc/net/netstat, /proc/net/snmp and snmp6. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';

/** node_exporter 1.5's default `--collector.netstat.fields`. */
export const DEFAULT_NETSTAT_FIELDS = /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/;

/**
 * Which fields are exported, by "Proto_Field", remembered so the field filter runs once per field and not
 * once per field per scrape (/proc/net/netstat alone has about 150 fields). Undefined: not exported.
 */
export type NetstatNames = Map<string, [string, string] | undefined>;

function emit(out: MetricWriter, names: NetstatNames, protocol: string, field: string, value: string): void {
  const key = `${protocol}_${field}`;
  let named = names.get(key);
  if (named === undefined) {
    if (names.has(key)) return;
    named = DEFAULT_NETSTAT_FIELDS.test(key) ? [`node_netstat_${key}`, `Statistic ${protocol}${field}.`] : undefined;
    names.set(key, named);
    if (named === undefined) return;
  }
  // Untyped, as node_exporter: some of these are gauges (CurrEstab, Forwarding) and most are counters.
  out.untyped(named[0], named[1], Number(value));
}

/**
 * Exported columns per header line: the header lines of /proc/net/netstat and /proc/net/snmp are the same
 * on every read, so which columns to export (and their names) is worked out once per header line.
 */
export type NetstatColumns = Map<string, Array<[number, string, string]>>;

/** Writes netstat families from /proc/net/netstat or /proc/net/snmp text (header line, then value line). */
export function writeNetstatPairs(text: string, out: MetricWriter, columns: NetstatColumns = new Map()): void {
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const header = lines[i]!;
    let picked = columns.get(header);
    if (picked === undefined) {
      picked = [];
      // The kernel separates both lines with single spaces, so one split rule keeps columns aligned.
      const names = header.split(' ');
      const protocol = names[0]!.replace(/:$/, '');
      for (let k = 1; k < names.length; k++) {
        const key = `${protocol}_${names[k]}`;
        if (names[k] !== '' && DEFAULT_NETSTAT_FIELDS.test(key)) picked.push([k, `node_netstat_${key}`, `Statistic ${protocol}${names[k]}.`]);
      }
      columns.set(header, picked);
    }
    if (picked.length === 0) continue;
    const values = lines[i + 1]!.split(' ');
    // Untyped, as node_exporter: some of these are gauges (CurrEstab, Forwarding) and most are counters.
    for (const [k, name, help] of picked) if (values[k] !== undefined) out.untyped(name, help, Number(values[k]));
  }
}

/** Writes netstat families from /proc/net/snmp6 text ("Ip6InOctets  123" per line). */
export function writeSnmp6(text: string, out: MetricWriter, cache: NetstatNames = new Map()): void {
  for (const line of text.split('\n')) {
    const m = /^(Ip6|Icmp6|Udp6|UdpLite6)(\S+)\s+(\d+)/.exec(line);
    if (m !== null) emit(out, cache, m[1]!, m[2]!, m[3]!);
  }
}

/** The netstat collector definition. */
export const netstatCollector: CollectorDefinition = {
  name: 'netstat',
  defaultEnabled: true,
  description: 'TCP, UDP, IP and ICMP counters from /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6.',
  create(ctx: CollectorContext): Collector {
    const cache: NetstatNames = new Map();
    const columns: NetstatColumns = new Map();
    return {
      collect(out) {
        writeNetstatPairs(ctx.files.readText(`${ctx.paths.procfs}/net/netstat`), out, columns);
        writeNetstatPairs(ctx.files.readText(`${ctx.paths.procfs}/net/snmp`), out, columns);
        const v6 = ctx.files.readOptional(`${ctx.paths.procfs}/net/snmp6`);
        if (v6 !== undefined) writeSnmp6(v6, out, cache);
      },
    };
  },
};
