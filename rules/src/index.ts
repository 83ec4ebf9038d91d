/** @hlmon/rules: Prometheus rule files, alert state machine, routing and notifiers. */
export {};
