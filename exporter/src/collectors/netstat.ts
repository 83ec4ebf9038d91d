/** The netstat collector: selected protocol counters from /proc/net/netstat, /proc/net/snmp and snmp6. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';

/** node_exporter 1.5's default `--collector.netstat.fields`. */
export const DEFAULT_NETSTAT_FIELDS = /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/;

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
    // The value line has as many columns as the header (TcpExt about 120) and a dozen are wanted: walk to
    // the picked columns (ascending) instead of splitting the line into a string per column.
    const values = lines[i + 1]!;
    let column = 0;
    let at = 0;
    for (const [k, name, help] of picked) {
      while (column < k && at >= 0) {
        at = values.indexOf(' ', at);
        if (at >= 0) at++;
        column++;
      }
      if (at < 0) break;
      const end = values.indexOf(' ', at);
      // Untyped, as node_exporter: some of these are gauges (CurrEstab, Forwarding) and most are counters.
      out.untyped(name, help, Number(end < 0 ? values.slice(at) : values.slice(at, end)));
    }
  }
}

/** Metric name and help per /proc/net/snmp6 field name ("Ip6InOctets"); null: not exported. */
export type Snmp6Names = Map<string, readonly [string, string] | null>;

/**
 * The snmp6 lines that may be exported: every field name DEFAULT_NETSTAT_FIELDS can accept for these
 * protocols, and a few it does not (UdpLite6's datagrams); the exact filter then runs once per name. One
 * native scan of the file instead of a split and a match per line: about twelve of ninety lines are wanted.
 */
const SNMP6_CANDIDATES = /^((?:Ip6|Icmp6|Udp6|UdpLite6)(?:InErrors|InErrs|InOctets|OutOctets|InMsgs|OutMsgs|InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))[ \t]+(\d+)$/gm;

/** Writes netstat families from /proc/net/snmp6 text ("Ip6InOctets  <tab>123" per line). */
export function writeSnmp6(text: string, out: MetricWriter, cache: Snmp6Names = new Map()): void {
  SNMP6_CANDIDATES.lastIndex = 0;
  for (let m = SNMP6_CANDIDATES.exec(text); m !== null; m = SNMP6_CANDIDATES.exec(text)) {
    const field = m[1]!;
    let named = cache.get(field);
    if (named === undefined) {
      const split = /^(Ip6|Icmp6|Udp6|UdpLite6)(\S+)$/.exec(field)!;
      const key = `${split[1]}_${split[2]}`;
      named = DEFAULT_NETSTAT_FIELDS.test(key) ? [`node_netstat_${key}`, `Statistic ${split[1]}${split[2]}.`] : null;
      cache.set(field, named);
    }
    // Untyped, as node_exporter: some of these are gauges and most are counters.
    if (named !== null) out.untyped(named[0], named[1], Number(m[2]));
  }
}

/** The netstat collector definition. */
export const netstatCollector: CollectorDefinition = {
  name: 'netstat',
  defaultEnabled: true,
  description: 'TCP, UDP, IP and ICMP counters from /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6.',
  create(ctx: CollectorContext): Collector {
    const cache: Snmp6Names = new Map();
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
