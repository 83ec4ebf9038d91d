/** @hlmon/api: the server's HTTP surfaces. */
export { createApp, type AppDeps } from './app.js';
export { ApiError, badRequest, notFound } from './errors.js';
export { prometheusRouter, parseSeriesSelector, type PrometheusApiDeps, type ApiEngine, type ApiQueryResult, type MetricMetadata } from './prometheus/router.js';
export { parseTime, parseDurationParam, parsePromDuration, BadDataError } from './prometheus/params.js';
export { restRouter, type RestApiDeps, type HostSummary, type HostFilesystem, type HostInterface, type ContainerSummary } from './rest/index.js';
export { webuiRouter } from './static.js';
export { prometheusRules, prometheusAlerts } from './prometheus/rules-status.js';
