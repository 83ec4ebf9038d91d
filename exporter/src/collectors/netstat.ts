/** The netstat collector: selected protocol counters from /proc/net/netstat, /proc/net/snmp and snmp6. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';
import { readOptional, readText } from '../host-files.js';

/** node_exporter 1.5's default `--collector.netstat.fields`. */
export const DEFAULT_NETSTAT_FIELDS = /^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$/;

function emit(out: MetricWriter, protocol: string, field: string, value: string): void {
  const key = `${protocol}_${field}`;
  if (!DEFAULT_NETSTAT_FIELDS.test(key)) return;
  // Untyped, as node_exporter: some of these are gauges (CurrEstab, Forwarding) and most are counters.
  out.untyped(`node_netstat_${key}`, `Statistic ${protocol}${field}.`, Number(value));
}

/** Writes netstat families from /proc/net/netstat or /proc/net/snmp text (header line, then value line). */
export function writeNetstatPairs(text: string, out: MetricWriter): void {
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i]!.split(/\s+/);
    const values = lines[i + 1]!.split(/\s+/);
    const protocol = names[0]!.replace(/:$/, '');
    for (let k = 1; k < names.length; k++) if (names[k] !== '' && values[k] !== undefined) emit(out, protocol, names[k]!, values[k]!);
  }
}

/** Writes netstat families from /proc/net/snmp6 text ("Ip6InOctets  123" per line). */
export function writeSnmp6(text: string, out: MetricWriter): void {
  for (const line of text.split('\n')) {
    const m = /^(Ip6|Icmp6|Udp6|UdpLite6)(\S+)\s+(\d+)/.exec(line);
    if (m !== null) emit(out, m[1]!, m[2]!, m[3]!);
  }
}

/** The netstat collector definition. */
export const netstatCollector: CollectorDefinition = {
  name: 'netstat',
  defaultEnabled: true,
  description: 'TCP, UDP, IP and ICMP counters from /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6.',
  create(ctx: CollectorContext): Collector {
    return {
      collect(out) {
        writeNetstatPairs(readText(`${ctx.paths.procfs}/net/netstat`), out);
        writeNetstatPairs(readText(`${ctx.paths.procfs}/net/snmp`), out);
        const v6 = readOptional(`${ctx.paths.procfs}/net/snmp6`);
        if (v6 !== undefined) writeSnmp6(v6, out);
      },
    };
  },
};
