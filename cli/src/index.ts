/** @hlmon/cli: the hlmon command. */
export { main, commands, usage } from './main.js';
export { startServer, startScraper, startApi, parseListenAddress, type ServerOptions, type RunningServer, type ScraperProcessOptions, type RunningScraper, type ApiProcessOptions, type RunningApi, type ProcessRole } from './server.js';
export { HealthPublisher, StoredScraperView, SCRAPER_HEALTH_MIGRATION_SQL } from './scraper-health.js';
export { createLogger, redactUrl, type Logger } from './log.js';
export { importOpenMetrics, importOpenMetricsFile, type ImportSummary, type ImportTarget, type ImportError, type ImportOptions } from './import.js';
