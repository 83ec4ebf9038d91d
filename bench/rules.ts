/**
 * Rule evaluation benchmark (issue 6): 1,000 alerting rules shaped like awesome-prometheus-alerts' node,
 * blackbox and docker rules over 100 hosts' data in MemoryStorage.
 *
 *   node --conditions=source --import=tsx bench/rules.ts [hosts=100] [rules=1000] [rounds=5]
 *
 * Prints, in one run:
 *  1. evaluation time and CPU per round of all rules (target: within a 15 s interval on at most half a core);
 *  2. condition → notification latency in real time through the dispatcher and a real webhook receiver
 *     (target: evaluation interval + for + 2 s), with interval 15 s, for 15 s, group_wait 1 s;
 *  3. the reference side by side: Prometheus 2.42's own rule engine (`promtool test rules`) and hlmon's
 *     (`runRuleTests`) on the same generated rules and series, with the ratio.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Labels, systemClock } from '@hlmon/model';
import { Engine, MemoryStorage } from '@hlmon/query';
import {
  Dispatcher, RuleManager, Silences, defaultExprValidator, engineQueryFn, parseAlertingConfig, parseRuleFile, runRuleTests,
  type RuleGroupSpec,
} from '@hlmon/rules';

const HOSTS = Number(process.argv[2] ?? 100);
const RULES = Number(process.argv[3] ?? 1000);
const ROUNDS = Number(process.argv[4] ?? 5);
const SCRAPE_MS = 15_000;
const HISTORY_MS = 15 * 60_000;

/** Rule templates after awesome-prometheus-alerts (node_exporter, blackbox_exporter, cAdvisor); `$T` is a threshold. */
const TEMPLATES: { name: string; expr: string; base: number; step: number }[] = [
  { name: 'HostOutOfMemory', expr: 'node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100 < $T', base: 10, step: 0.01 },
  { name: 'HostHighCpuLoad', expr: 'sum by (instance) (avg by (mode, instance) (rate(node_cpu_seconds_total{mode!="idle"}[2m]))) > $T', base: 0.8, step: 0.001 },
  { name: 'HostOutOfDiskSpace', expr: '(node_filesystem_avail_bytes * 100) / node_filesystem_size_bytes < $T and on (instance, device, mountpoint) node_filesystem_readonly == 0', base: 10, step: 0.01 },
  { name: 'HostUnusualNetworkThroughputIn', expr: 'sum by (instance) (rate(node_network_receive_bytes_total[2m])) / 1024 / 1024 > $T', base: 100, step: 0.1 },
  { name: 'HostUnusualDiskReadRate', expr: 'sum by (instance) (rate(node_disk_read_bytes_total[2m])) / 1024 / 1024 > $T', base: 50, step: 0.1 },
  { name: 'HostSwapIsFillingUp', expr: '(1 - (node_memory_SwapFree_bytes / node_memory_SwapTotal_bytes)) * 100 > $T', base: 80, step: 0.01 },
  { name: 'HostHighLoad', expr: 'node_load1 / on (instance) count by (instance) (node_cpu_seconds_total{mode="idle"}) > $T', base: 2, step: 0.001 },
  { name: 'HostClockSkew', expr: '(node_timex_offset_seconds > $T and deriv(node_timex_offset_seconds[5m]) >= 0)', base: 0.05, step: 0.0001 },
  { name: 'HostDown', expr: 'up{job="node"} == 0 or absent(up{job="node"}) * $T', base: 0, step: 0 },
  { name: 'BlackboxProbeFailed', expr: 'probe_success <= $T', base: 0, step: 0.0001 },
  { name: 'BlackboxSlowProbe', expr: 'avg_over_time(probe_duration_seconds[1m]) > $T', base: 1, step: 0.001 },
  { name: 'BlackboxProbeHttpFailure', expr: 'probe_http_status_code <= 199 or probe_http_status_code >= $T', base: 400, step: 1 },
  { name: 'BlackboxSslCertificateWillExpireSoon', expr: '3 <= round((last_over_time(probe_ssl_earliest_cert_expiry[10m]) - time()) / 86400, 0.1) < $T', base: 20, step: 0.01 },
  { name: 'ContainerHighCpuUtilization', expr: 'sum by (instance, name) (rate(container_cpu_usage_seconds_total{name!=""}[3m])) * 100 > $T', base: 80, step: 0.01 },
  { name: 'ContainerHighMemoryUsage', expr: '(sum by (instance, name) (container_memory_working_set_bytes{name!=""}) / sum by (instance, name) (container_spec_memory_limit_bytes > 0) * 100) > $T', base: 80, step: 0.01 },
  { name: 'ContainerKilled', expr: 'time() - container_last_seen > $T', base: 60, step: 1 },
];

function ruleFile(n: number, forSeconds: number): string {
  const perGroup = 50;
  let out = 'groups:\n';
  for (let i = 0; i < n; i++) {
    if (i % perGroup === 0) out += `  - name: group-${i / perGroup}\n    rules:\n`;
    const t = TEMPLATES[i % TEMPLATES.length]!;
    const k = Math.floor(i / TEMPLATES.length);
    const threshold = Number((t.base + k * t.step).toPrecision(6));
    out += `      - alert: ${t.name}${k}\n        expr: '${t.expr.replace('$T', String(threshold))}'\n        for: ${forSeconds}s\n`;
    out += `        labels:\n          severity: warning\n        annotations:\n          summary: '{{ $labels.instance }} {{ humanize $value }}'\n`;
  }
  return out;
}

/** A generated series: its value at scrape step `i`, taken at `tSec` seconds since the epoch. */
interface SeriesGen { labels: Record<string, string>; value: (step: number, tSec: number) => number }

/** About 60 series per host; 3 % of hosts misbehave so some rules fire and templates are rendered. */
function seriesFor(hosts: number): SeriesGen[] {
  const out: SeriesGen[] = [];
  for (let h = 0; h < hosts; h++) {
    const instance = `host${h}:9100`;
    const bad = h % 33 === 0;
    const s = (name: string, extra: Record<string, string>, value: (step: number, tSec: number) => number) => out.push({ labels: { __name__: name, instance, job: 'node', ...extra }, value });
    s('up', {}, () => 1);
    for (let cpu = 0; cpu < 4; cpu++) for (const [mode, rate] of [['idle', 0.6], ['user', bad ? 0.9 : 0.3], ['system', 0.1]] as const) {
      s('node_cpu_seconds_total', { cpu: String(cpu), mode }, (i) => i * 15 * rate);
    }
    s('node_memory_MemAvailable_bytes', {}, () => (bad ? 0.5e9 : 6e9));
    s('node_memory_MemTotal_bytes', {}, () => 16e9);
    s('node_memory_SwapFree_bytes', {}, () => 1e9);
    s('node_memory_SwapTotal_bytes', {}, () => 2e9);
    for (const [device, mountpoint] of [['sda1', '/'], ['sdb1', '/data']]) {
      s('node_filesystem_avail_bytes', { device, mountpoint }, () => (bad ? 5e9 : 300e9));
      s('node_filesystem_size_bytes', { device, mountpoint }, () => 500e9);
      s('node_filesystem_readonly', { device, mountpoint }, () => 0);
      s('node_disk_read_bytes_total', { device }, (i) => i * 15 * 2e6);
    }
    for (const device of ['eth0', 'lo']) s('node_network_receive_bytes_total', { device }, (i) => i * 15 * 5e6);
    s('node_load1', {}, () => (bad ? 12 : 1.5));
    s('node_timex_offset_seconds', {}, () => 0.001);
    const probe = (name: string, v: (i: number, tSec: number) => number) => out.push({ labels: { __name__: name, instance: `https://svc${h}.lan`, job: 'blackbox' }, value: v });
    probe('probe_success', () => (bad ? 0 : 1));
    probe('probe_duration_seconds', () => 0.05);
    probe('probe_http_status_code', () => 200);
    probe('probe_ssl_earliest_cert_expiry', () => 2_000_000_000);
    for (let c = 0; c < 3; c++) {
      const cs = (name: string, v: (i: number, tSec: number) => number) => out.push({ labels: { __name__: name, instance, job: 'cadvisor', name: `app${c}` }, value: v });
      cs('container_cpu_usage_seconds_total', (i) => i * 15 * 0.2);
      cs('container_memory_working_set_bytes', () => 200e6);
      cs('container_spec_memory_limit_bytes', () => 1e9);
      cs('container_last_seen', (_i, tSec) => tSec);
    }
  }
  return out;
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function table(rows: string[][]): void {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  '));
}

async function roundTimes(): Promise<string[][]> {
  const storage = new MemoryStorage();
  const series = seriesFor(HOSTS);
  const start = Date.now() - HISTORY_MS;
  const steps = HISTORY_MS / SCRAPE_MS;
  for (let i = 0; i <= steps; i++) {
    const app = storage.appender();
    for (const s of series) app.append(Labels.from(s.labels), start + i * SCRAPE_MS, s.value(i, (start + i * SCRAPE_MS) / 1000));
    await app.commit();
  }
  const engine = new Engine({ querier: storage });
  const groups = parseRuleFile(ruleFile(RULES, 60), 'bench.yml', defaultExprValidator).groups;
  let alerts = 0;
  // Time spent inside PromQL, to tell the engine's share of a round from the rules package's own work.
  let queryMs = 0;
  const inner = engineQueryFn(engine);
  const timedQuery = async (expr: string, atMs: number) => {
    const t0 = performance.now();
    try { return await inner(expr, atMs); } finally { queryMs += performance.now() - t0; }
  };
  const manager = new RuleManager({
    clock: systemClock, query: timedQuery,
    appender: () => storage.appender(), sink: (a) => { alerts += a.length; },
  });
  await manager.load(groups);
  console.log(`dataset: ${HOSTS} hosts, ${series.length} series, ${series.length * (steps + 1)} samples (15 min at 15 s); ${RULES} alerting rules in ${groups.length} groups`);
  const rows = [['round', 'wall', 'cpu', 'cpu / 15 s interval', 'in PromQL', 'firing+pending', 'rule errors']];
  const ts = Date.now();
  for (let r = 0; r < ROUNDS; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    queryMs = 0;
    // Groups one after another here (the manager runs them concurrently), so PromQL time adds up cleanly.
    for (const g of manager.groups()) await g.evaluate(ts + r * SCRAPE_MS);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(cpu0);
    const cpuMs = (c.user + c.system) / 1000;
    let active = 0, errors = 0;
    for (const g of manager.groups()) for (const rule of g.rules) {
      if (rule.status().health === 'err') errors++;
      if (rule.kind === 'alert') active += rule.alerts().filter((a) => a.state !== 'inactive').length;
    }
    rows.push([String(r + 1), fmt(wall), fmt(cpuMs), `${((cpuMs / SCRAPE_MS) * 100).toFixed(1)} % of a core`, `${((queryMs / wall) * 100).toFixed(0)} %`, String(active), String(errors)]);
  }
  void alerts;
  return rows;
}

async function latency(): Promise<string[][]> {
  const intervalMs = 15_000, forMs = 15_000;
  const storage = new MemoryStorage();
  const series = seriesFor(HOSTS).filter((s) => !(s.labels['__name__'] === 'probe_success' && s.labels['instance'] === 'https://svc1.lan'));
  const target = Labels.from({ __name__: 'probe_success', instance: 'https://svc1.lan', job: 'blackbox' });
  let targetUp = true;
  const received: number[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const p = JSON.parse(body) as { alerts: { labels: Record<string, string> }[] };
      if (p.alerts.some((a) => a.labels['instance'] === 'https://svc1.lan' && a.labels['alertname'] === 'BlackboxProbeFailed0')) received.push(performance.now());
      res.end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/`;
  // Samples arrive every second, as from a scraper with a 1 s interval; history first.
  const now0 = Date.now();
  const app0 = storage.appender();
  for (let i = 0; i <= 40; i++) for (const s of series) app0.append(Labels.from(s.labels), now0 - (40 - i) * SCRAPE_MS, s.value(i, (now0 - (40 - i) * SCRAPE_MS) / 1000));
  await app0.commit();
  const scrape = setInterval(() => {
    const app = storage.appender();
    const t = Date.now();
    for (const s of series) if (s.labels['__name__'] === 'probe_success') app.append(Labels.from(s.labels), t, s.value(0, t / 1000));
    app.append(target, t, targetUp ? 1 : 0);
    void app.commit();
  }, 1000);
  const engine = new Engine({ querier: storage });
  const silences = new Silences(systemClock);
  const cfg = parseAlertingConfig({
    route: { receiver: 'hook', group_by: ['alertname', 'instance'], group_wait: '1s', group_interval: '1m', repeat_interval: '1h' },
    receivers: [{ name: 'hook', webhook_configs: [{ url: hookUrl }] }],
  }, { fetch });
  const dispatcher = new Dispatcher(cfg, { clock: systemClock, silences });
  const text = ruleFile(RULES, forMs / 1000).replace(/interval: \d+s/g, '');
  const groups: RuleGroupSpec[] = parseRuleFile(text, 'bench.yml').groups.map((g) => ({ ...g, intervalMs: intervalMs }));
  const manager = new RuleManager({
    clock: systemClock, query: engineQueryFn(engine),
    appender: () => storage.appender(), sink: (a) => dispatcher.put(a),
  });
  await dispatcher.start();
  await manager.load(groups);
  const ctl = new AbortController();
  const runs = [manager.run(ctl.signal), dispatcher.run(ctl.signal, 200)];
  await new Promise((r) => setTimeout(r, intervalMs + 1000));
  targetUp = false;
  const conditionAt = performance.now();
  while (received.length === 0 && performance.now() - conditionAt < 60_000) await new Promise((r) => setTimeout(r, 100));
  ctl.abort();
  clearInterval(scrape);
  await Promise.all(runs);
  await manager.stop();
  await dispatcher.stop();
  hook.close();
  const latencyMs = received.length ? received[0]! - conditionAt : NaN;
  const budget = intervalMs + forMs + 2000;
  return [
    ['condition → notification', 'measured', 'target (interval + for + 2 s)', 'within target'],
    [`${RULES} rules, interval 15 s, for 15 s, group_wait 1 s`, fmt(latencyMs), fmt(budget), latencyMs <= budget ? 'yes' : 'NO'],
  ];
}

function run(cmd: string, args: string[], cwd: string): Promise<{ ms: number; ok: boolean; out: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => execFile(cmd, args, { cwd, maxBuffer: 64 << 20 }, (err, stdout, stderr) => resolve({ ms: performance.now() - t0, ok: !err, out: stdout + stderr })));
}

async function reference(): Promise<string[][]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-bench-rules-'));
  try {
    const series = seriesFor(HOSTS);
    const steps = 20;
    await writeFile(path.join(dir, 'rules.yml'), ruleFile(RULES, 60));
    let test = `rule_files: [rules.yml]\nevaluation_interval: 15s\ntests:\n  - interval: 15s\n    input_series:\n`;
    for (const s of series) {
      const { __name__: name, ...rest } = s.labels;
      const sel = `${name}{${Object.entries(rest).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
      test += `      - series: '${sel}'\n        values: '${Array.from({ length: steps + 1 }, (_, i) => s.value(i, i * 15)).join(' ')}'\n`;
    }
    const evalSeconds = (ROUNDS - 1) * 15;
    test += `    promql_expr_test:\n      - expr: vector(1)\n        eval_time: ${evalSeconds}s\n        exp_samples:\n          - labels: '{}'\n            value: 1\n`;
    await writeFile(path.join(dir, 'bench.test.yml'), test);
    const prom = await run('/usr/bin/promtool', ['test', 'rules', 'bench.test.yml'], dir);
    const t0 = performance.now();
    let out = '';
    const r = await runRuleTests([path.join(dir, 'bench.test.yml')], { stdout: (s) => { out += s; } });
    const ours = performance.now() - t0;
    if (!prom.ok) console.log(`promtool failed:\n${prom.out.slice(0, 2000)}`);
    if (!r.passed) console.log(`hlmon failed:\n${out.slice(0, 2000)}`);
    return [
      ['same rules + series, load + ' + ROUNDS + ' rounds', 'time', 'per round', 'ratio hlmon / Prometheus'],
      ['Prometheus 2.42 (promtool test rules, Go)', fmt(prom.ms), fmt(prom.ms / ROUNDS), ''],
      ['hlmon (runRuleTests, same process)', fmt(ours), fmt(ours / ROUNDS), (ours / prom.ms).toFixed(2)],
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log('\n# 1. Evaluation rounds (MemoryStorage)');
  table(await roundTimes());
  console.log('\n# 2. Condition to notification (real time, real webhook receiver)');
  table(await latency());
  console.log('\n# 3. Reference: Prometheus rule engine vs hlmon on identical input');
  table(await reference());
}

await main();
