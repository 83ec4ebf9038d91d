/**
 * The queries asked of both hlmon and Prometheus. `AT` stands for a timestamp in seconds inside the data,
 * substituted by the test. Queries whose result order matters (sort, topk) are marked ordered.
 */

/** One differential query. */
export interface DiffQuery {
  readonly expr: string;
  /** Compare result order too (instant queries only). */
  readonly ordered?: boolean;
}

const q = (expr: string, ordered = false): DiffQuery => ({ expr, ordered });

/** The differential query set: every operator, aggregation and float function of Prometheus 2.42. */
export const DIFF_QUERIES: readonly DiffQuery[] = [
  // Selectors, offset, @, lookback.
  q('up'), q('node_load1'), q('node_load1 offset 10m'), q('node_load1 offset -5m'), q('node_load1 @ AT'),
  q('node_load1 @ AT offset 1m'), q('http_requests_total{code="500"}'), q('http_requests_total{code=~"5.."}'),
  q('http_requests_total{code!="200"}'), q('{__name__=~"node_load.*"}'), q('node_cpu_seconds_total{mode!~"idle|user"}'),
  q('weird_gauge'), q('(node_load1)'), q('node_load1 @ start()'), q('node_load1 @ end()'),
  // Rates and counters.
  q('rate(node_cpu_seconds_total[5m])'), q('rate(http_requests_total[1m])'), q('irate(node_cpu_seconds_total[5m])'),
  q('increase(http_requests_total[10m])'), q('increase(node_cpu_seconds_total[1h])'), q('delta(temperature_celsius[10m])'),
  q('idelta(temperature_celsius[5m])'), q('deriv(node_memory_MemAvailable_bytes[10m])'),
  q('predict_linear(node_memory_MemAvailable_bytes[15m], 3600)'), q('resets(node_cpu_seconds_total[1h])'), q('changes(up[30m])'),
  q('rate(http_requests_total[5m] @ AT)'), q('rate(http_requests_total[5m] offset 3m)'),
  // Over time.
  q('avg_over_time(node_load1[10m])'), q('min_over_time(temperature_celsius[10m])'), q('max_over_time(temperature_celsius[10m])'),
  q('sum_over_time(node_load1[5m])'), q('count_over_time(http_requests_total[20m])'), q('quantile_over_time(0.9, node_load1[15m])'),
  q('stddev_over_time(node_load1[10m])'), q('stdvar_over_time(node_load1[10m])'), q('last_over_time(http_requests_total[10m])'),
  q('present_over_time(http_requests_total{code="500"}[5m])'), q('absent_over_time(http_requests_total{code="500",instance="host-2"}[5m])'),
  q('absent_over_time(nonexistent{job="x"}[5m])'), q('max_over_time(weird_gauge[10m])'), q('avg_over_time(weird_gauge[10m])'),
  q('holt_winters(node_load1[10m], 0.5, 0.3)'),
  // Absent, histograms, labels.
  q('absent(nonexistent_metric{job="x", env=~"p.*"})'), q('absent(up)'),
  q('histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m]))'),
  q('histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'),
  q('histogram_quantile(0.99, sum by (le, instance) (rate(http_request_duration_seconds_bucket[10m])))'),
  q('histogram_quantile(1.5, http_request_duration_seconds_bucket)'),
  q('label_replace(up, "host", "$1", "instance", "host-(.*)")'), q('label_replace(up, "x", "$1x$2", "instance", "(h)(.*)")'),
  q('label_join(up, "id", "/", "job", "instance")'),
  q('sort(node_load1)', true), q('sort_desc(node_load1)', true),
  // Scalars and math.
  q('time()'), q('timestamp(node_load1)'), q('timestamp(node_load1 offset 2m)'), q('vector(1)'), q('scalar(sum(up))'), q('scalar(up)'), q('pi()'),
  q('clamp(temperature_celsius, 0, 30)'), q('clamp_min(temperature_celsius, 10)'), q('clamp_max(temperature_celsius, 10)'),
  q('round(node_load1, 0.1)'), q('round(temperature_celsius)'), q('abs(temperature_celsius)'), q('ceil(node_load1)'), q('floor(node_load1)'),
  q('exp(node_load1)'), q('ln(node_load1)'), q('log2(node_memory_MemAvailable_bytes)'), q('log10(node_memory_MemAvailable_bytes)'),
  q('sqrt(node_load1)'), q('sgn(temperature_celsius)'), q('ln(temperature_celsius)'),
  q('day_of_month()'), q('day_of_week()'), q('day_of_year()'), q('days_in_month()'), q('hour()'), q('minute()'), q('month()'), q('year()'),
  q('hour(timestamp(node_load1))'), q('days_in_month(vector(1709251200))'),
  q('sin(node_load1)'), q('cos(node_load1)'), q('tan(node_load1)'), q('asin(node_load1 / 10)'), q('acos(node_load1 / 10)'), q('atan(node_load1)'),
  q('sinh(node_load1)'), q('cosh(node_load1)'), q('tanh(node_load1)'), q('asinh(node_load1)'), q('acosh(node_load1 + 1)'), q('atanh(node_load1 / 10)'),
  q('deg(node_load1)'), q('rad(temperature_celsius)'),
  // Aggregations.
  q('sum(node_load1)'), q('sum by (job) (rate(http_requests_total[5m]))'), q('sum(rate(http_requests_total[5m])) by (code)'),
  q('avg without (instance) (node_load1)'), q('min(temperature_celsius)'), q('max by (sensor) (temperature_celsius)'), q('count(up)'),
  q('count_values("value", up)'), q('count_values("load", round(node_load1))'), q('group by (job) (up)'), q('stddev(node_load1)'), q('stdvar(node_load1)'),
  q('topk(2, node_load1)', true), q('bottomk(1, temperature_celsius)', true), q('topk by (code) (1, rate(http_requests_total[5m]))'),
  q('quantile(0.3, node_load1)'), q('quantile by (code) (0.9, rate(http_requests_total[5m]))'), q('sum(weird_gauge)'), q('max(weird_gauge)'),
  q('avg(weird_gauge)'), q('sum by (__name__) ({job="node"})'), q('count without (mode) (node_cpu_seconds_total)'),
  // Binary operators and matching.
  q('node_load1 + 1'), q('2 * node_load1 - 1'), q('node_load1 ^ 2 ^ 0.5'), q('-node_load1'), q('node_load1 % 0.7'), q('node_load1 > 1'),
  q('node_load1 > bool 1'), q('1 < node_load1'), q('node_load1 == bool node_load1'), q('node_load1 atan2 1'), q('1 + 2 * 3'), q('2 ^ 3 ^ 2'),
  q('-2 ^ 2'), q('1 > bool 2'), q('node_load1 != 0.5'), q('temperature_celsius <= 10'), q('temperature_celsius >= bool 10'),
  q('rate(http_requests_total[5m]) / ignoring(code) group_left sum without (code) (rate(http_requests_total[5m]))'),
  q('node_load1 * on(instance) group_left(sensor) temperature_celsius'),
  q('temperature_celsius / on(instance) group_right node_cpu_seconds_total'),
  q('up and on(instance) node_load1 > 1'), q('up or vector(0)'), q('up unless on(instance) (node_load1 > 2)'),
  q('node_load1 and node_memory_MemAvailable_bytes'), q('node_load1 or node_memory_MemAvailable_bytes'),
  q('sum(rate(http_requests_total{code="500"}[5m])) / sum(rate(http_requests_total[5m]))'),
  q('http_requests_total / http_requests_total'), q('up == on(instance, job) up'),
  // Subqueries.
  q('max_over_time(rate(http_requests_total[1m])[10m:1m])'), q('avg_over_time(node_load1[10m:30s] offset 5m)'),
  q('deriv(node_load1[10m:1m])'), q('min_over_time(node_load1[5m:])'), q('rate(http_requests_total[5m:15s] @ AT)'),
  q('node_load1[5m:1m]'), q('node_load1[2m]'),
  // Edge cases: NaN, empty results, parameters as expressions, name handling, alignment.
  q('count_values("v", weird_gauge)'), q('topk(1, weird_gauge)'), q('quantile(0.5, weird_gauge)'), q('stddev_over_time(weird_gauge[10m])'),
  q('increase(weird_gauge[10m])'), q('rate(node_cpu_seconds_total[1m:15s])'), q('node_load1 > on(instance) group_left temperature_celsius'),
  q('temperature_celsius > on(instance) group_right node_load1'), q('label_replace(up, "__name__", "renamed", "", "")'),
  q('absent(up{job="nope"})'), q('absent(sum(nonexistent))'), q('vector(time()) - timestamp(up)'), q('changes(node_load1[10m:1m])'),
  q('sum without (instance, job) (up)'), q('count_values without (instance) ("v", up)'), q('topk(2, node_load1) by (job)', true),
  q('bottomk(scalar(count(up)) - 2, node_load1)', true), q('quantile(scalar(vector(0.75)), node_load1)'), q('up offset 1h @ end()'),
  q('(up == 1) or (node_load1 > 1)'), q('sum_over_time(rate(http_requests_total[5m])[30m:5m] offset 10m)'), q('resets(http_requests_total[1h])'),
  q('idelta(node_cpu_seconds_total[2m])'), q('irate(http_requests_total[1m] offset 1m)'), q('time() - 1704067200'),
  q('scalar(node_load1{instance="host-0"}) * 2'), q('"hello"'), q('1'), q('-Inf'), q('NaN'), q('0x1F'), q('1e3'), q('node_load1[5m] offset 5m'),
  q('{__name__="node_load1", instance="host-0"}'), q('node_load1{instance=~"host-[12]"}'), q('node_load1{instance!~"host-.*"}'),
  q('histogram_quantile(0.5, http_request_duration_seconds_bucket{le="+Inf"})'), q('histogram_quantile(-1, http_request_duration_seconds_bucket)'),
  q('+node_load1'), q('1 - -node_load1'), q('node_load1 / 0'), q('-node_load1 / 0'), q('0 / 0 * node_load1'), q('node_load1 % -0.3'),
  q('sgn(-temperature_celsius)'), q('clamp(node_load1, 2, 1)'), q('deriv(up[10m])'), q('predict_linear(node_load1[5m] offset 5m, 60)'),
  q('avg(node_load1) by (job)'), q('max_over_time(node_load1[10m:1m] @ AT)'), q('max_over_time(node_load1[10m:1m] offset 30s)'),
  q('node_load1[3m:45s]'), q('node_load1[3m:45s] @ AT'), q('sum(node_load1 @ start())'), q('timestamp(node_load1 @ AT)'),
  q('timestamp(sum(node_load1))'), q('year(vector(-86400))'), q('month(node_load1 * 1e9)'), q('up > bool on(instance) group_left node_load1'),
  q('sum by (instance) (node_cpu_seconds_total) / on(instance) group_left node_load1'),
  // Syntax variants.
  q('node_load1{job="node",}'), q('sum by (job,) (node_load1)'), q('node_load1 offset 1h30m'), q('node_load1 # a comment'),
  q('sum(node_load1) without()'), q('node_load1{instance=~"HOST-0"}'), q('node_load1{instance=~"(?i)HOST-0"}'),
  q('{__name__=~"node_load1|up", job="node"}'), q('node_load1 unless on() vector(1)'), q('rate(http_requests_total[1m] offset -1m)'),
  q('node_load1 offset 0s'), q("node_load1{instance='host-1'}"), q('node_load1{instance=`host-1`}'), q('node_load1{instance="host\\-1"}'),
  q('sum by(instance)(rate(node_cpu_seconds_total[5m]))'), q('node_load1 > bool 1 == bool 0'), q('(1 + 2) * node_load1'),
  q('node_load1 and on(instance) group_left up'), q('node_load1 @ 1704070800.123'),
  // More edge cases.
  q('absent(node_load1 offset 1d)'), q('absent_over_time(node_load1[1m] offset 1y)'), q('vector(1) + on() group_left node_load1'),
  q('count(node_load1) by (instance) > 0'), q('max_over_time(node_load1[1y])'), q('{job="node", __name__!="node_load1"}'),
  q('sort(sum by (instance) (node_load1))', true), q('bottomk(2, sort_desc(node_load1))', true), q('sum(node_load1 > 1000)'),
  q('quantile(NaN, node_load1)'), q('quantile(2, node_load1)'), q('topk(0, node_load1)'), q('topk(-1, node_load1)'), q('topk(1.9, node_load1)', true),
  q('histogram_quantile(0.5, sum by (le) (http_request_duration_seconds_bucket) * 0)'),
  q('label_replace(up, "foo", "$0", "instance", "host-(.)")'), q('label_replace(up, "foo", "${1}x", "instance", "host-(.)")'),
  q('label_replace(up, "instance", "", "instance", ".*")'), q('label_join(up, "instance", "-")'), q('timestamp(vector(1))'),
  q('round(-2.5 * vector(1))'), q('ceil(-0.5 * vector(1))'), q('day_of_week(vector(-1))'), q('node_load1 * -1 < 0'), q('-node_load1 > bool -1'),
  q('(node_load1 > 1) / (node_load1 > 1)'), q('count_values("le", http_request_duration_seconds_bucket)'),
  q('sum by (le) (rate(http_request_duration_seconds_bucket[5m])) / ignoring(le) group_left sum(rate(http_request_duration_seconds_count[5m]))'),
  q('delta(node_load1[1m])'), q('idelta(node_load1[15s])'), q('irate(node_cpu_seconds_total[15s])'), q('rate(node_cpu_seconds_total[15s])'),
  q('increase(http_requests_total{code="500"}[20m])'), q('changes(weird_gauge[5m])'), q('resets(weird_gauge[30m])'),
  q('count_values("v", node_memory_MemAvailable_bytes * 1e12)'), q('count_values("v", node_load1 / 1e9)'),
  q('node_load1 OFFSET 5m'), q('node_load1 > BOOL 1'), q('node_load1 * ON(instance) GROUP_LEFT(sensor) temperature_celsius'),
  q('up AND node_load1'), q('up Or node_load1'), q('sum WITHOUT (instance) (up)'), q('node_load1 @ START()'), q('Sum(up)'), q('RATE(up[5m])'),
  q('node_load1 ATAN2 1'), q('up UNLESS node_load1'), q('TOPK(1, node_load1)', true), q('count_VALUES("x", up)'),
  // Errors.
  q('rate(node_load1)'), q('node_load1 + on(instance) node_cpu_seconds_total'), q('node_cpu_seconds_total / on(instance) node_load1'),
  q('abs({job="node"})'), q('sum(node_load1'), q('unknown_fn(node_load1)'), q('label_replace(up, "bad-name", "", "job", "")'),
  q('1 > 2'), q('"a" + 1'), q('node_load1 and 1'), q('sum(node_load1) offset 5m'), q('node_load1 @ 100 @ 200'),
  q('node_load1 offset 5m offset 1m'), q('rate(node_load1[5m:1m:1m])'), q('node_load1{}'), q('{a=~".*"}'), q('sum by (x) (1)'),
  q('holt_winters(node_load1[10m], 1.5, 0.3)'), q('quantile_over_time(node_load1, node_load1[5m])'), q('label_join(up, "a", "b")'),
];
