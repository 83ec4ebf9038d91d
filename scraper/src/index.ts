/** @hlmon/scraper: Scrapes Prometheus targets and runs uptime checks. */
export { loadConfigFile, parseConfig, type ConfigResult, type ParseConfigOptions } from './config/load.js';
export { formatConfigError, type ConfigError } from './config/reader.js';
export type * from './config/types.js';
export { relabel, relabelBuilder, hashmod, expandTemplate, compileRelabelRegex, RELABEL_ACTIONS, type RelabelConfig, type RelabelAction } from './relabel.js';
