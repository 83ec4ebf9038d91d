/** @hlmon/exporter: a per-host exporter with node_exporter's and cAdvisor's metric names. */
export { createExporter, ExporterConfigError, type Exporter, type ExporterOptions } from './exporter.js';
export { parseExporterArgs, parseListenAddress, parseDurationMs, exporterUsage, ArgsError, type ExporterArgs } from './args.js';
export { runExporterCli } from './cli.js';
export { EXPORTER_NODE_FLAGS, EXPORTER_BIN_URL } from './node-flags.js';
export { parseWebConfig, loadWebConfig, WebConfigError, BasicAuthChecker, type WebConfig, type TlsServerConfig } from './web-config.js';
export { TEXT_CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE, wantsOpenMetrics, type ListeningServer } from './http-server.js';
export { MetricWriter, RenderCache, renderText, renderOpenMetrics, formatValue, type MetricFamily, type MetricType, type Sample, type LabelPairs } from './metric-writer.js';
export { parseTextFormat, TextParseError } from './text-parser.js';
export { MemoryLogger, stderrLogger, type Logger, type LogLevel } from './logger.js';
export { HostFiles } from './host-files.js';
export { CollectorError, type Collector, type CollectorContext, type CollectorDefinition, type HostPaths, type DockerSettings } from './collector.js';
export { collectorsFor, allCollectorNames } from './collectors/index.js';
