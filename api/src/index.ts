/** @hlmon/api: Koa HTTP API: REST, Prometheus-compatible query API, WebSocket. */
export {};
