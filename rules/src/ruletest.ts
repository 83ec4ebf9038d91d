/**
 * `hlmon rules test FILES`: runs rule unit tests in `promtool test rules` format with promtool's semantics
 * (Prometheus 2.42 cmd/promtool/unittest.go): input series loaded at `interval` steps from time 0, groups
 * evaluated every `evaluation_interval` up to the largest eval time, firing alerts compared at the
 * evaluation step covering each `eval_time`, PromQL expressions compared exactly. The output has
 * promtool's shape, so failures read the same.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Labels, ManualClock } from '@hlmon/model';
import { Engine, MemoryStorage, parseExpr, parseSeriesDesc, parseSeriesLine } from '@hlmon/query';
import { formatDuration, parseDuration } from './duration.js';
import { formatRuleFileError, parseRuleFile, type RuleGroupSpec } from './rulefmt.js';
import { RuleGroup } from './evaluation/group.js';
import { AlertingRule } from './evaluation/alerting-rule.js';
import { engineQueryFn } from './evaluation/query-fn.js';
import { formatFloat } from './template/gofmt.js';

/** Where test output goes; promtool writes the verdicts to stdout and failures to stderr. */
export interface RuleTestOutput {
  stdout: (s: string) => void;
  stderr?: (s: string) => void;
}

interface TestGroupInput {
  interval?: string;
  input_series?: { series: string; values: string }[];
  alert_rule_test?: { eval_time: string; alertname: string; exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[] }[];
  promql_expr_test?: { expr: string; eval_time: string; exp_samples?: { labels: string; value: number | string }[] }[];
  external_labels?: Record<string, string>;
  external_url?: string;
  name?: string;
}

interface UnitTestFile {
  rule_files?: string[];
  evaluation_interval?: string;
  group_eval_order?: string[];
  tests?: TestGroupInput[];
}

const FILE_KEYS = ['rule_files', 'evaluation_interval', 'group_eval_order', 'tests'];
const GROUP_KEYS = ['interval', 'input_series', 'alert_rule_test', 'promql_expr_test', 'external_labels', 'external_url', 'name'];

/** Runs every test file; returns whether all passed. Never throws for bad input: it is reported as a failure. */
export async function runRuleTests(files: readonly string[], out: RuleTestOutput): Promise<{ passed: boolean }> {
  const stderr = out.stderr ?? out.stdout;
  let passed = true;
  for (const f of files) {
    out.stdout(`Unit Testing:  ${f}\n`);
    let errs: string[];
    try {
      errs = await ruleUnitTest(f);
    } catch (err) {
      errs = [String((err as Error).message ?? err)];
    }
    if (errs.length > 0) {
      stderr('  FAILED:\n');
      for (const e of errs) { stderr(e + '\n'); out.stdout('\n'); }
      passed = false;
    } else {
      out.stdout('  SUCCESS\n');
    }
    out.stdout('\n');
  }
  return { passed };
}

function checkKeys(o: unknown, allowed: string[], type: string): string[] {
  if (typeof o !== 'object' || o === null) return [];
  return Object.keys(o).filter((k) => !allowed.includes(k)).map((k) => `field ${k} not found in type ${type}`);
}

async function ruleUnitTest(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  let input: UnitTestFile;
  try {
    input = (parseYaml(text) ?? {}) as UnitTestFile;
  } catch (err) {
    return [String((err as Error).message)];
  }
  const keyErrs = [
    ...checkKeys(input, FILE_KEYS, 'main.unitTestFile'),
    ...(input.tests ?? []).flatMap((t) => checkKeys(t, GROUP_KEYS, 'main.testGroup')),
  ];
  if (keyErrs.length > 0) return [`yaml: unmarshal errors:\n  ${keyErrs.join('\n  ')}`];
  const evalIntervalMs = input.evaluation_interval ? parseDuration(input.evaluation_interval) : 60_000;
  const dir = path.dirname(file);
  const groupOrder = new Map((input.group_eval_order ?? []).map((n, i) => [n, i]));

  // Rule files are loaded once and re-instantiated per test group, as promtool does.
  const ruleGroups: RuleGroupSpec[] = [];
  const loadErrs: string[] = [];
  for (const rf of input.rule_files ?? []) {
    const p = path.isAbsolute(rf) ? rf : path.join(dir, rf);
    let src: string;
    try { src = await readFile(p, 'utf8'); } catch (err) { loadErrs.push(`    ${(err as Error).message}`); continue; }
    const r = parseRuleFile(src, p, (e) => { parseExpr(e); });
    for (const e of r.errors) loadErrs.push(formatRuleFileError(e));
    ruleGroups.push(...r.groups);
  }
  if (loadErrs.length > 0) return loadErrs;
  if (groupOrder.size > 0) ruleGroups.sort((a, b) => (groupOrder.get(a.name) ?? 0) - (groupOrder.get(b.name) ?? 0));

  const errs: string[] = [];
  for (const tg of input.tests ?? []) errs.push(...(await runTestGroup(tg, ruleGroups, evalIntervalMs)));
  return errs;
}

interface LabelsAndAnnotations { labels: Labels; annotations: Labels }

function compareLabels(a: Labels, b: Labels): number {
  const x = a.toArray(), y = b.toArray();
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i]!.name !== y[i]!.name) return x[i]!.name < y[i]!.name ? -1 : 1;
    if (x[i]!.value !== y[i]!.value) return x[i]!.value < y[i]!.value ? -1 : 1;
  }
  return x.length - y.length;
}

/** Go's labels.Labels String(): `{a="b", c="d"}`. */
function goLabels(l: Labels): string {
  return '{' + l.toArray().map((x) => `${x.name}=${JSON.stringify(x.value)}`).join(', ') + '}';
}

function indentLines(lines: string, indent: string): string {
  return lines.split('\n').join('\n' + indent);
}

function laString(la: LabelsAndAnnotations[]): string {
  if (la.length === 0) return '[]';
  const one = (x: LabelsAndAnnotations) => `Labels:${goLabels(x.labels)}\nAnnotations:${goLabels(x.annotations)}`;
  let s = '[\n0:' + indentLines('\n' + one(la[0]!), '  ');
  la.slice(1).forEach((x, i) => { s += `,\n${i + 1}:` + indentLines('\n' + one(x), '  '); });
  return s + '\n]';
}

function samplesString(ss: { labels: Labels; v: number }[]): string {
  if (ss.length === 0) return 'nil';
  return ss.map((s) => `${goLabels(s.labels)} ${formatFloat(s.v, 'E', -1)}`).join(', ');
}

function sameFloat(a: number, b: number): boolean {
  // reflect.DeepEqual on float64: NaN never equals NaN, so a test expecting NaN fails in promtool too.
  return a === b;
}

async function runTestGroup(tg: TestGroupInput, specs: RuleGroupSpec[], evalIntervalMs: number): Promise<string[]> {
  const errs: string[] = [];
  const intervalMs = tg.interval ? parseDuration(tg.interval) : evalIntervalMs;
  const storage = new MemoryStorage();
  const app = storage.appender();
  for (const s of tg.input_series ?? []) {
    let parsed;
    try { parsed = parseSeriesLine(`${s.series} ${s.values}`); }
    catch (err) { return [`    ${(err as Error).message}`]; }
    parsed.values.forEach((v, i) => { if (v !== undefined) app.append(parsed.labels, i * intervalMs, v); });
  }
  await app.commit();
  const engine = new Engine({ querier: storage, clock: new ManualClock(0) });
  const query = engineQueryFn(engine);
  const groups = specs.map((spec) => new RuleGroup(spec, {
    query, appender: () => storage.appender(), externalLabels: tg.external_labels ?? {}, externalURL: tg.external_url ?? '',
    defaultIntervalMs: evalIntervalMs, monotonicMs: () => 0,
  }));

  const alertTests = new Map<number, NonNullable<TestGroupInput['alert_rule_test']>>();
  let maxT = 0;
  for (const at of tg.alert_rule_test ?? []) {
    const t = parseDuration(at.eval_time);
    if (!alertTests.has(t)) alertTests.set(t, []);
    alertTests.get(t)!.push(at);
    maxT = Math.max(maxT, t);
  }
  for (const pt of tg.promql_expr_test ?? []) maxT = Math.max(maxT, parseDuration(pt.eval_time));
  const alertEvalTimes = [...alertTests.keys()].sort((a, b) => a - b);
  const testName = tg.name ? `    name: ${tg.name},\n` : '';

  let curr = 0;
  for (let ts = 0; ts <= maxT; ts += evalIntervalMs) {
    const evalErrs: string[] = [];
    for (const g of groups) {
      await g.evaluate(ts);
      for (const r of g.rules) {
        const st = r.status();
        if (st.health === 'err') evalErrs.push(`    rule: ${r.name}, time: ${formatDuration(ts)}, err: ${st.lastError}`);
      }
    }
    errs.push(...evalErrs);
    if (evalErrs.length > 0) return errs;
    while (curr < alertEvalTimes.length && ts <= alertEvalTimes[curr]! && alertEvalTimes[curr]! < ts + evalIntervalMs) {
      const t = alertEvalTimes[curr]!;
      const got = new Map<string, LabelsAndAnnotations[]>();
      for (const g of groups) for (const r of g.rules) {
        if (!(r instanceof AlertingRule)) continue;
        const list = got.get(r.name) ?? [];
        for (const a of r.alerts()) if (a.state === 'firing') list.push({ labels: a.labels, annotations: Labels.from(a.annotations) });
        got.set(r.name, list);
      }
      for (const tc of alertTests.get(t)!) {
        const gotAlerts = [...(got.get(tc.alertname) ?? [])].sort((a, b) => compareLabels(a.labels, b.labels));
        const expAlerts = (tc.exp_alerts ?? []).map((a) => ({
          labels: Labels.from({ ...(a.exp_labels ?? {}), alertname: tc.alertname }),
          annotations: Labels.from(a.exp_annotations ?? {}),
        })).sort((a, b) => compareLabels(a.labels, b.labels));
        const equal = gotAlerts.length === expAlerts.length && gotAlerts.every((g, i) => g.labels.equals(expAlerts[i]!.labels) && g.annotations.equals(expAlerts[i]!.annotations));
        if (!equal) {
          errs.push(`${testName}    alertname: ${tc.alertname}, time: ${formatDuration(t)}, \n        exp:${indentLines(laString(expAlerts), '            ')}, \n        got:${indentLines(laString(gotAlerts), '            ')}`);
        }
      }
      curr++;
    }
  }

  outer: for (const tc of tg.promql_expr_test ?? []) {
    const t = parseDuration(tc.eval_time);
    let got: { labels: Labels; v: number }[];
    try {
      got = await query(tc.expr, t);
    } catch (err) {
      errs.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${formatDuration(t)}, err: ${(err as Error).message}`);
      continue;
    }
    const exp: { labels: Labels; v: number }[] = [];
    for (const s of tc.exp_samples ?? []) {
      try {
        exp.push({ labels: s.labels.trim() === '' ? Labels.EMPTY : parseSeriesDesc(s.labels), v: typeof s.value === 'number' ? s.value : Number(s.value) });
      } catch (err) {
        errs.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${formatDuration(t)}, err: labels ${JSON.stringify(s.labels)}: ${(err as Error).message}`);
        continue outer;
      }
    }
    exp.sort((a, b) => compareLabels(a.labels, b.labels));
    got.sort((a, b) => compareLabels(a.labels, b.labels));
    const equal = exp.length === got.length && exp.every((e, i) => e.labels.equals(got[i]!.labels) && sameFloat(e.v, got[i]!.v));
    if (!equal) {
      errs.push(`    expr: ${JSON.stringify(tc.expr)}, time: ${formatDuration(t)},\n        exp: ${samplesString(exp)}\n        got: ${samplesString(got)}`);
    }
  }
  return errs;
}


