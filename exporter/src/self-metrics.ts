/**
 * The exporter's own process metrics, under `hlmon_exporter_` so they never clash with node_exporter's
 * `process_*` or with the host's `node_*` families when both exporters are scraped into one place.
 */
import { readdirSync, statSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import type { Clock } from '@hlmon/model';
import type { MetricWriter } from './metric-writer.js';

/** Counts requests by status code and reports process CPU, memory and start time. */
export class SelfMetrics {
  private readonly startSeconds: number;
  private readonly requests = new Map<string, number>();
  private scrapes = 0;

  constructor(clock: Clock) {
    this.startSeconds = Math.round((clock.now() - process.uptime() * 1000) / 1000);
  }

  /** Records one HTTP response. */
  countRequest(code: number): void {
    const key = String(code);
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** Records one completed /metrics scrape. */
  countScrape(): void {
    this.scrapes++;
  }

  /** Writes the self metrics. */
  write(out: MetricWriter): void {
    const cpu = process.cpuUsage();
    // rss() and the heap statistics alone: memoryUsage() gathers more than is reported here.
    const rssBytes = process.memoryUsage.rss();
    const heapUsedBytes = getHeapStatistics().used_heap_size;
    out.counter('hlmon_exporter_process_cpu_seconds_total', 'Total user and system CPU time spent by the exporter in seconds.', (cpu.user + cpu.system) / 1e6);
    out.gauge('hlmon_exporter_process_resident_memory_bytes', 'Resident memory size of the exporter in bytes.', rssBytes);
    out.gauge('hlmon_exporter_process_heap_bytes', 'V8 heap used by the exporter in bytes.', heapUsedBytes);
    out.gauge('hlmon_exporter_process_start_time_seconds', 'Start time of the exporter process since unix epoch in seconds.', this.startSeconds);
    out.gauge('hlmon_exporter_process_open_fds', 'Number of open file descriptors of the exporter.', openFds());
    out.counter('hlmon_exporter_scrapes_total', 'Completed scrapes of the metrics endpoint.', this.scrapes);
    for (const [code, n] of this.requests) out.counter('hlmon_exporter_http_requests_total', 'HTTP requests served, by status code.', n, { code });
    out.gauge('hlmon_exporter_build_info', 'A metric with a constant 1 value labelled by version and the Node.js version.', 1, { nodejs: process.version, version: '0.1.0' });
  }
}

/** Whether stat() of /proc/self/fd reports the number of open descriptors as its size (Linux 6.2 and later). */
let fdDirSizeCounts: boolean | undefined;

function openFds(): number {
  try {
    // Since Linux 6.2 the size of /proc/self/fd is the number of open descriptors: one stat instead of
    // listing ~100 entries into as many strings on every scrape. Older kernels report 0 there, so the size
    // is trusted only once it agreed with a listing.
    if (fdDirSizeCounts !== false) {
      const size = statSync('/proc/self/fd').size;
      if (fdDirSizeCounts === true) return size;
      const listed = readdirSync('/proc/self/fd').length;
      // The listing holds one more descriptor (the directory itself, open while it is read).
      fdDirSizeCounts = size > 0 && Math.abs(listed - size) <= 1;
      return listed;
    }
    // /proc/self/fd lists one entry per descriptor; elsewhere the count is unknown and reported as NaN.
    return readdirSync('/proc/self/fd').length;
  } catch {
    return NaN;
  }
}
