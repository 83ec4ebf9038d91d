/** The REST API's read endpoints. */
export { restRouter, type RestApiDeps, type HostEntry } from './router.js';
export type { HostAlert } from './host-alerts.js';
export type { HostSummary, HostFilesystem, HostInterface } from './hosts.js';
export type { ContainerSummary } from './containers.js';
