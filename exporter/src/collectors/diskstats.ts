/** The diskstats collector: block device I/O counters from /proc/diskstats. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import type { MetricWriter } from '../metric-writer.js';

/** node_exporter 1.5's default `--collector.diskstats.device-exclude`: partitions, ram and loop devices. */
export const DEFAULT_DISK_DEVICE_EXCLUDE = /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

/** Sectors in /proc/diskstats are always 512 bytes, whatever the device's real sector size. */
const SECTOR_BYTES = 512;

/** Field index (after major, minor, name), metric name, type, help and scale, as node_exporter 1.5. */
const FIELDS: ReadonlyArray<[number, string, 'counter' | 'gauge', string, number]> = [
  [0, 'node_disk_reads_completed_total', 'counter', 'The total number of reads completed successfully.', 1],
  [1, 'node_disk_reads_merged_total', 'counter', 'The total number of reads merged.', 1],
  [2, 'node_disk_read_bytes_total', 'counter', 'The total number of bytes read successfully.', SECTOR_BYTES],
  [3, 'node_disk_read_time_seconds_total', 'counter', 'The total number of seconds spent by all reads.', 0.001],
  [4, 'node_disk_writes_completed_total', 'counter', 'The total number of writes completed successfully.', 1],
  [5, 'node_disk_writes_merged_total', 'counter', 'The number of writes merged.', 1],
  [6, 'node_disk_written_bytes_total', 'counter', 'The total number of bytes written successfully.', SECTOR_BYTES],
  [7, 'node_disk_write_time_seconds_total', 'counter', 'This is the total number of seconds spent by all writes.', 0.001],
  [8, 'node_disk_io_now', 'gauge', 'The number of I/Os currently in progress.', 1],
  [9, 'node_disk_io_time_seconds_total', 'counter', 'Total seconds spent doing I/Os.', 0.001],
  [10, 'node_disk_io_time_weighted_seconds_total', 'counter', 'The weighted # of seconds spent doing I/Os.', 0.001],
  [11, 'node_disk_discards_completed_total', 'counter', 'The total number of discards completed successfully.', 1],
  [12, 'node_disk_discards_merged_total', 'counter', 'The total number of discards merged.', 1],
  [13, 'node_disk_discarded_sectors_total', 'counter', 'The total number of sectors discarded successfully.', 1],
  [14, 'node_disk_discard_time_seconds_total', 'counter', 'This is the total number of seconds spent by all discards.', 0.001],
  [15, 'node_disk_flush_requests_total', 'counter', 'The total number of flush requests completed successfully', 1],
  [16, 'node_disk_flush_requests_time_seconds_total', 'counter', 'This is the total number of seconds spent by all flush requests.', 0.001],
];

/** Writes the diskstats families from the text of /proc/diskstats; `info` returns udev facts per device. */
export function writeDiskstats(text: string, out: MetricWriter, exclude: RegExp, info: (major: string, minor: string) => Record<string, string>): void {
  const infoFamily = out.family('node_disk_info', 'gauge', 'Info of /sys/block/<block_device>.');
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const [major, minor, device] = [f[0]!, f[1]!, f[2]!];
    if (exclude.test(device)) continue;
    infoFamily.samples.push({ suffix: '', labels: { device, major, minor, ...info(major, minor) }, value: 1 });
    const labels = { device };
    for (const [i, name, type, help, scale] of FIELDS) {
      const raw = f[3 + i];
      if (raw === undefined) break;
      out.family(name, type, help).samples.push({ suffix: '', labels, value: Number(raw) * scale });
    }
  }
}

/** The diskstats collector definition. */
export const diskstatsCollector: CollectorDefinition = {
  name: 'diskstats',
  defaultEnabled: true,
  description: 'Block device I/O statistics from /proc/diskstats.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/diskstats`;
    // udev facts (model, serial, wwn) do not change while a disk is attached; cache them per device number.
    const udevCache = new Map<string, Record<string, string>>();
    const info = (major: string, minor: string): Record<string, string> => {
      const key = `${major}:${minor}`;
      let facts = udevCache.get(key);
      if (facts === undefined) {
        const props = new Map<string, string>();
        for (const l of (ctx.files.readOptional(`${ctx.paths.udevData}/b${key}`) ?? '').split('\n')) {
          if (l.startsWith('E:')) {
            const eq = l.indexOf('=');
            props.set(l.slice(2, eq), l.slice(eq + 1));
          }
        }
        facts = {
          model: props.get('ID_MODEL') ?? '',
          path: props.get('ID_PATH') ?? '',
          revision: props.get('ID_REVISION') ?? '',
          serial: props.get('ID_SERIAL_SHORT') ?? '',
          wwn: props.get('ID_WWN') ?? '',
        };
        udevCache.set(key, facts);
      }
      return facts;
    };
    return { collect: (out) => writeDiskstats(ctx.files.readText(path), out, ctx.diskstatsDeviceExclude, info) };
  },
};
