/**
 * The collector contract and what every collector is given.
 *
 * A collector reads one area of the host and writes metric families. It is isolated: it runs with a
 * timeout, its failure is reported as `node_scrape_collector_success{collector} 0` and never fails the
 * scrape, exactly as in node_exporter.
 */
import type { Clock } from '@hlmon/model';
import type { MetricWriter } from './metric-writer.js';
import type { Logger } from './logger.js';
import type { HostFiles } from './host-files.js';

/** Filesystem roots, like node_exporter's `--path.procfs`, `--path.sysfs` and `--path.rootfs`. */
export interface HostPaths {
  /** Where procfs is mounted; `/proc` on a normal host. */
  readonly procfs: string;
  /** Where sysfs is mounted; `/sys` on a normal host. */
  readonly sysfs: string;
  /** The host's root; `/` normally, `/host` when the exporter runs in a container with the host mounted. */
  readonly rootfs: string;
  /** Where udev keeps its database; `/run/udev/data` normally. */
  readonly udevData: string;
}

/** Settings of the container collector. */
export interface DockerSettings {
  /** Path of the Docker or Podman API Unix socket. */
  readonly socketPath: string;
  /** At most this many container stats requests run at once. */
  readonly concurrency: number;
  /** Each stats or inspect request is abandoned after this long. */
  readonly callTimeoutMs: number;
}

/** Everything a collector may depend on; given at construction, never taken from module state. */
export interface CollectorContext {
  readonly paths: HostPaths;
  /** Reads procfs and sysfs files, keeping descriptors of the kernel's pseudo files open between scrapes. */
  readonly files: HostFiles;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `process.platform` of the host being read; injectable so the portable collectors can be tested on Linux. */
  readonly platform: NodeJS.Platform;
  /** Directory of `*.prom` files for the textfile collector; empty disables reading. */
  readonly textfileDirectory: string;
  /** Filesystem collector: mount points matching this are not reported. */
  readonly filesystemMountPointsExclude: RegExp;
  /** Filesystem collector: filesystem types matching this are not reported. */
  readonly filesystemFsTypesExclude: RegExp;
  /** Diskstats collector: devices matching this are not reported. */
  readonly diskstatsDeviceExclude: RegExp;
  /** Netdev and netclass collectors: devices matching this are not reported (unset: none excluded). */
  readonly netDeviceExclude: RegExp | undefined;
  readonly docker: DockerSettings;
}

/** One collector instance. `collect` may be called concurrently with other collectors, never with itself. */
export interface Collector {
  /**
   * Writes this collector's families into `out`. Throwing marks the collector failed for this scrape;
   * samples written before the throw are kept, as node_exporter keeps what a collector sent. The signal
   * aborts when the collectors' timeout has passed (one deadline per scrape, shared by all collectors);
   * long asynchronous work should honour it.
   */
  collect(out: MetricWriter, signal: AbortSignal): Promise<void> | void;
  /** Releases resources (sockets, timers); called once when the exporter stops. */
  close?(): void;
}

/** Describes a collector kind: its flag name, whether it is on by default, and how to create it. */
export interface CollectorDefinition {
  /** The name in `--collector.<name>` and in the `collector` label. */
  readonly name: string;
  /** On unless `--no-collector.<name>` is given. */
  readonly defaultEnabled: boolean;
  /** One line for `--help` and the docs. */
  readonly description: string;
  /** Creates a collector for this host. */
  create(ctx: CollectorContext): Collector;
}

/** Thrown by a collector that wrote some metrics but wants the scrape to report it failed. */
export class CollectorError extends Error {
  override readonly name = 'CollectorError';
}
