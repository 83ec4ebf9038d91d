/**
 * Command-line flags in node_exporter's spelling, so a systemd unit or a container command line written for
 * node_exporter works after renaming the binary.
 */
import { allCollectorNames } from './collectors/index.js';
import type { ExporterOptions } from './exporter.js';
import type { LogLevel } from './logger.js';

/** The result of parsing argv. */
export interface ExporterArgs {
  /** Options for createExporter (web config not yet loaded). */
  readonly options: ExporterOptions;
  /** Host and port from `--web.listen-address` (default `:9100`, all interfaces). */
  readonly listenHost: string;
  readonly listenPort: number;
  /** `--web.config.file`, or undefined. */
  readonly webConfigFile: string | undefined;
  readonly logLevel: LogLevel;
  readonly help: boolean;
  readonly version: boolean;
}

/** A bad command line; the message names the flag. */
export class ArgsError extends Error {
  override readonly name = 'ArgsError';
}

/** Flags that take a value, with their handlers. */
type ValueFlag = (value: string, state: MutableArgs) => void;

interface MutableArgs {
  collectors: Record<string, boolean>;
  disableDefaults: boolean;
  paths: { procfs?: string; sysfs?: string; rootfs?: string; udevData?: string };
  docker: { socketPath?: string; concurrency?: number; callTimeoutMs?: number };
  rest: Record<string, unknown>;
  listen: string;
  webConfigFile: string | undefined;
  logLevel: LogLevel;
}

function regex(flag: string, value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (err) {
    throw new ArgsError(`${flag}: invalid regular expression "${value}": ${(err as Error).message}`, { cause: err });
  }
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ArgsError(`${flag}: expected a positive integer, got "${value}"`);
  return n;
}

/** Parses a Go-style duration such as "5s", "500ms", "1m" into milliseconds. */
export function parseDurationMs(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value);
  if (m === null) throw new ArgsError(`${flag}: expected a duration like 5s or 500ms, got "${value}"`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

const VALUE_FLAGS: Record<string, ValueFlag> = {
  'web.listen-address': (v, s) => { s.listen = v; },
  'web.config.file': (v, s) => { s.webConfigFile = v; },
  'web.telemetry-path': (v, s) => {
    if (!v.startsWith('/')) throw new ArgsError(`--web.telemetry-path: must start with "/", got "${v}"`);
    s.rest.telemetryPath = v;
  },
  'web.max-requests': (v, s) => { s.rest.maxRequests = positiveInt('--web.max-requests', v); },
  'path.procfs': (v, s) => { s.paths.procfs = v; },
  'path.sysfs': (v, s) => { s.paths.sysfs = v; },
  'path.rootfs': (v, s) => { s.paths.rootfs = v; },
  'path.udev.data': (v, s) => { s.paths.udevData = v; },
  'collector.textfile.directory': (v, s) => { s.rest.textfileDirectory = v; },
  'collector.filesystem.mount-points-exclude': (v, s) => { s.rest.filesystemMountPointsExclude = regex('--collector.filesystem.mount-points-exclude', v); },
  'collector.filesystem.fs-types-exclude': (v, s) => { s.rest.filesystemFsTypesExclude = regex('--collector.filesystem.fs-types-exclude', v); },
  'collector.diskstats.device-exclude': (v, s) => { s.rest.diskstatsDeviceExclude = regex('--collector.diskstats.device-exclude', v); },
  'collector.netdev.device-exclude': (v, s) => { s.rest.netDeviceExclude = regex('--collector.netdev.device-exclude', v); },
  'collector.docker.socket': (v, s) => { s.docker.socketPath = v; },
  'collector.docker.concurrency': (v, s) => { s.docker.concurrency = positiveInt('--collector.docker.concurrency', v); },
  'collector.docker.timeout': (v, s) => { s.docker.callTimeoutMs = parseDurationMs('--collector.docker.timeout', v); },
  'collector.timeout': (v, s) => { s.rest.collectorTimeoutMs = parseDurationMs('--collector.timeout', v); },
  'log.level': (v, s) => {
    if (!['debug', 'info', 'warn', 'error'].includes(v)) throw new ArgsError(`--log.level: expected debug, info, warn or error, got "${v}"`);
    s.logLevel = v as LogLevel;
  },
};

/** Splits "host:port", ":port" or "[v6]:port" into host (empty means all interfaces) and port. */
export function parseListenAddress(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value);
  if (m === null) throw new ArgsError(`--web.listen-address: expected host:port or :port, got "${value}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new ArgsError(`--web.listen-address: port ${port} is out of range`);
  return { host: m[1] ?? m[2] ?? '', port };
}

/** Parses the exporter's command line (without node and script); throws ArgsError naming the bad flag. */
export function parseExporterArgs(argv: readonly string[]): ExporterArgs {
  const known = allCollectorNames();
  const s: MutableArgs = { collectors: {}, disableDefaults: false, paths: {}, docker: {}, rest: {}, listen: ':9100', webConfigFile: undefined, logLevel: 'info' };
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') { help = true; continue; }
    if (arg === '--version') { version = true; continue; }
    if (!arg.startsWith('--')) throw new ArgsError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const valueFlag = VALUE_FLAGS[name];
    if (valueFlag !== undefined) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new ArgsError(`--${name}: needs a value`);
      valueFlag(value, s);
      continue;
    }
    if (name === 'collector.disable-defaults') { s.disableDefaults = true; continue; }
    if (name === 'web.disable-exporter-metrics') { s.rest.disableExporterMetrics = true; continue; }
    if (name === 'runtime.worker-thread') { s.rest.workerThread = true; continue; }
    const m = /^(no-)?collector\.([a-z_]+)$/.exec(name);
    if (m !== null && inline === undefined) {
      if (!known.has(m[2]!)) throw new ArgsError(`--${name}: unknown collector "${m[2]}"; known collectors: ${[...known].sort().join(', ')}`);
      s.collectors[m[2]!] = m[1] === undefined;
      continue;
    }
    throw new ArgsError(`unknown flag --${name}`);
  }
  const { host, port } = parseListenAddress(s.listen);
  return {
    options: { ...s.rest, collectors: s.collectors, disableDefaults: s.disableDefaults, paths: s.paths, docker: s.docker } as ExporterOptions,
    listenHost: host,
    listenPort: port,
    webConfigFile: s.webConfigFile,
    logLevel: s.logLevel,
    help,
    version,
  };
}

/** The `--help` text. */
export function exporterUsage(): string {
  return `usage: hlmon-exporter [flags]

A node_exporter-compatible exporter with cAdvisor container metrics.

Flags (node_exporter's names):
  --web.listen-address=:9100            address to listen on
  --web.telemetry-path=/metrics         path of the metrics endpoint
  --web.config.file=FILE                exporter-toolkit web config (TLS, basic auth)
  --web.max-requests=40                 concurrent scrapes allowed (503 beyond)
  --web.disable-exporter-metrics        leave out hlmon_exporter_* self metrics
  --path.procfs=/proc --path.sysfs=/sys --path.rootfs=/ --path.udev.data=/run/udev/data
  --collector.<name> / --no-collector.<name>   enable or disable one collector
  --collector.disable-defaults          start from no collectors
  --collector.timeout=5s                per-collector timeout
  --collector.textfile.directory=DIR    directory of *.prom files
  --collector.filesystem.mount-points-exclude=RE   --collector.filesystem.fs-types-exclude=RE
  --collector.diskstats.device-exclude=RE          --collector.netdev.device-exclude=RE
  --collector.docker.socket=/var/run/docker.sock   --collector.docker.concurrency=4   --collector.docker.timeout=3s
  --runtime.worker-thread               run the heaviest collectors on a second thread (hlmon only):
                                        lower latency with a core to spare, about 10 MB more memory
  --log.level=info                      debug, info, warn or error
`;
}
