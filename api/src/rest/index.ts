/** The REST API's read endpoints. */
export { restRouter, type RestApiDeps } from './router.js';
export type { HostSummary, HostFilesystem, HostInterface } from './hosts.js';
export type { ContainerSummary } from './containers.js';
