/** @hlmon/cli: the hlmon command. */
export { main, commands, usage } from './main.js';
export { startServer, parseListenAddress, type ServerOptions, type RunningServer } from './server.js';
export { createLogger, redactUrl, type Logger } from './log.js';
export { importOpenMetrics, importOpenMetricsFile, type ImportSummary, type ImportTarget, type ImportError, type ImportOptions } from './import.js';
