/** @hlmon/exporter: Per-host exporter with node_exporter and cAdvisor metric names. */
export {};
