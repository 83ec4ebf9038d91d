/** @hlmon/scraper: Scrapes Prometheus targets and runs uptime checks. */
export { loadConfigFile, parseConfig, type ConfigResult, type ParseConfigOptions } from './config/load.js';
export { formatConfigError, type ConfigError } from './config/reader.js';
export { ConfigReloader, type ConfigReloaderOptions, type ReloadResult } from './config/reloader.js';
export type * from './config/types.js';
export { relabel, relabelBuilder, hashmod, expandTemplate, compileRelabelRegex, RELABEL_ACTIONS, type RelabelConfig, type RelabelAction } from './relabel.js';
export { populateTarget, targetUrl, publicLabels, isTarget, type Target, type DroppedTarget } from './targets.js';
export { Scraper, type ScraperOptions, type ScraperEvents, type Logger } from './scraper.js';
export type { TargetHealth } from './scrape/loop.js';
export { mergeMetadata, MetadataCollector, type TargetMetadata } from './scrape/metadata.js';
export type { CheckState } from './checks/check-runner.js';
export type { ProbeResult, ProbeMetric, Probe } from './checks/probe.js';
export { PROBES } from './checks/registry.js';
export type { SampleBatch, SampleSink } from './scrape/batch.js';
export { Spool } from './write/spool.js';
export { SCRAPER_NODE_FLAGS } from './node-flags.js';
export { WriteBuffer, type WriteBufferOptions, type WriteStats } from './write/write-buffer.js';
export { readFileSdFile } from './discovery/file-sd.js';
