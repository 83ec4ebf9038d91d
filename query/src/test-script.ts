/**
 * A time-series test language after Prometheus's promqltest:
 *
 *   load 15s
 *     http_requests{job="api"} 0+10x10 _ stale
 *   eval instant at 1m rate(http_requests[1m])
 *     {job="api"} 0.6666666666666666
 *   eval range from 0 to 2m step 1m http_requests
 *     http_requests{job="api"} 0 40 _
 *   eval_fail instant at 0 rate(x)
 *   eval_ordered instant at 1m sort(x)
 *   clear
 *
 * Expected values match with a relative tolerance of 1e-6 (NaN matches NaN); `_` in a range
 * expectation means no point at that step.
 */
import type { Labels } from '@hlmon/model';
import { Engine } from './engine.js';
import type { EngineOptions, QueryResult } from './engine.js';
import { MemoryStorage } from './memory-storage.js';
import { parseDurationMs } from './duration.js';
import { parseSeriesLine, parseSeriesValues } from './series-values.js';
import type { SeriesValue } from './series-values.js';

/** One command of a test script. */
export type TestCommand =
  | { kind: 'load'; line: number; intervalMs: number; series: { labels: Labels; values: SeriesValue[] }[] }
  | { kind: 'clear'; line: number }
  | { kind: 'eval'; line: number; expr: string; mode: 'instant' | 'range'; atMs: number; endMs: number; stepMs: number;
      fail: boolean; ordered: boolean; expectedError: string | undefined;
      expected: { labels: Labels | undefined; values: SeriesValue[] }[] };

/** Raised for a malformed script; names the line. */
export class TestScriptError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TestScriptError';
  }
}

function durationOrNumber(s: string): number {
  return /^\d+$/.test(s) ? Number(s) * 1000 : parseDurationMs(s);
}

/** Parses a test script into commands; throws TestScriptError naming the line. */
export function loadTestScript(text: string): TestCommand[] {
  const lines = text.split('\n');
  const cmds: TestCommand[] = [];
  let i = 0;
  const block = (): { line: number; text: string }[] => {
    const out: { line: number; text: string }[] = [];
    while (i < lines.length && /^\s+\S/.test(lines[i]!) ) {
      if (!/^\s*#/.test(lines[i]!)) out.push({ line: i + 1, text: lines[i]!.trim() });
      i++;
    }
    return out;
  };
  while (i < lines.length) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const line = raw.trim();
    i++;
    if (line === '' || line.startsWith('#')) continue;
    try {
      let m: RegExpExecArray | null;
      if ((m = /^load\s+(\S+)$/.exec(line))) {
        const intervalMs = parseDurationMs(m[1]!);
        cmds.push({ kind: 'load', line: lineNo, intervalMs, series: block().map((b) => at(b.line, () => parseSeriesLine(b.text))) });
      } else if (line === 'clear') {
        cmds.push({ kind: 'clear', line: lineNo });
      } else if ((m = /^(eval(?:_fail|_ordered)?)\s+instant\s+at\s+(\S+)\s+(.+)$/.exec(line))) {
        const atMs = durationOrNumber(m[2]!);
        cmds.push(evalCommand(lineNo, m[1]!, m[3]!, 'instant', atMs, atMs, 0, block()));
      } else if ((m = /^(eval(?:_fail|_ordered)?)\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/.exec(line))) {
        cmds.push(evalCommand(lineNo, m[1]!, m[5]!, 'range', durationOrNumber(m[2]!), durationOrNumber(m[3]!), parseDurationMs(m[4]!), block()));
      } else {
        throw new Error(`unknown command ${JSON.stringify(line)}`);
      }
    } catch (cause) {
      if (cause instanceof TestScriptError) throw cause;
      throw new TestScriptError(`line ${lineNo}: ${(cause as Error).message}`, { cause });
    }
  }
  return cmds;
}

function at<T>(line: number, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    throw new TestScriptError(`line ${line}: ${(cause as Error).message}`, { cause });
  }
}

function evalCommand(line: number, verb: string, expr: string, mode: 'instant' | 'range', atMs: number, endMs: number, stepMs: number,
  body: { line: number; text: string }[]): TestCommand {
  let expectedError: string | undefined;
  const expected: { labels: Labels | undefined; values: SeriesValue[] }[] = [];
  for (const b of body) {
    const em = /^expected_fail_message\s+(.*)$/.exec(b.text);
    if (em) { expectedError = em[1]; continue; }
    at(b.line, () => {
      // A bare number is a scalar expectation.
      if (/^[-+]?(\d|\.\d|Inf|inf|NaN|nan)/.test(b.text) && !/[{]/.test(b.text)) {
        expected.push({ labels: undefined, values: parseSeriesValues(b.text) });
      } else {
        expected.push(parseSeriesLine(b.text));
      }
    });
  }
  return { kind: 'eval', line, expr, mode, atMs, endMs, stepMs, fail: verb === 'eval_fail', ordered: verb === 'eval_ordered', expectedError, expected };
}

/** The outcome of one eval command. */
export interface TestOutcome {
  readonly line: number;
  readonly expr: string;
  readonly ok: boolean;
  readonly message: string;
}

/** Runs a script against a fresh MemoryStorage; returns one outcome per eval. */
export async function runTestScript(text: string, engineOptions: Omit<EngineOptions, 'querier'> = {}): Promise<TestOutcome[]> {
  const cmds = loadTestScript(text);
  let storage = new MemoryStorage();
  let engine = new Engine({ ...engineOptions, querier: storage });
  const outcomes: TestOutcome[] = [];
  for (const c of cmds) {
    if (c.kind === 'clear') {
      storage = new MemoryStorage();
      engine = new Engine({ ...engineOptions, querier: storage });
    } else if (c.kind === 'load') {
      const app = storage.appender();
      for (const s of c.series) {
        s.values.forEach((v, i) => { if (v !== undefined) app.append(s.labels, i * c.intervalMs, v); });
      }
      await app.commit();
    } else {
      outcomes.push(await runEval(engine, c));
    }
  }
  return outcomes;
}

async function runEval(engine: Engine, c: Extract<TestCommand, { kind: 'eval' }>): Promise<TestOutcome> {
  const base = { line: c.line, expr: c.expr };
  let result: QueryResult;
  try {
    result = c.mode === 'instant' ? await engine.instantQuery(c.expr, c.atMs) : await engine.rangeQuery(c.expr, c.atMs, c.endMs, c.stepMs);
  } catch (err) {
    const msg = (err as Error).message;
    if (!c.fail) return { ...base, ok: false, message: `unexpected error: ${msg}` };
    if (c.expectedError !== undefined && !msg.includes(c.expectedError)) return { ...base, ok: false, message: `expected error containing ${JSON.stringify(c.expectedError)}, got ${JSON.stringify(msg)}` };
    return { ...base, ok: true, message: 'failed as expected' };
  }
  if (c.fail) return { ...base, ok: false, message: 'expected an error, got a result' };
  const problem = compare(c, result);
  return { ...base, ok: problem === undefined, message: problem ?? 'ok' };
}

/** True when two floats agree to a relative epsilon, or are both NaN (Prometheus's almostEqual). */
export function almostEqual(a: number, b: number, epsilon = 1e-6): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const minNormal = 2.2250738585072014e-308;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < minNormal) return diff < epsilon * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

function compare(c: Extract<TestCommand, { kind: 'eval' }>, r: QueryResult): string | undefined {
  if (r.resultType === 'scalar') {
    const exp = c.expected[0];
    if (!exp || exp.labels !== undefined || c.expected.length !== 1) return `got scalar ${r.result.v}, expected ${c.expected.length} series`;
    return almostEqual(r.result.v, exp.values[0]!) ? undefined : `expected scalar ${exp.values[0]}, got ${r.result.v}`;
  }
  if (r.resultType === 'string') return `string results cannot be checked: ${r.result.v}`;
  if (r.resultType === 'vector') {
    if (r.result.length !== c.expected.length) {
      return `expected ${c.expected.length} samples, got ${r.result.length}: ${r.result.map((s) => `${s.labels.toString()} ${s.v}`).join('; ')}`;
    }
    for (let i = 0; i < c.expected.length; i++) {
      const exp = c.expected[i]!;
      const got = c.ordered ? r.result[i] : r.result.find((s) => exp.labels !== undefined && s.labels.equals(exp.labels));
      if (!got || (c.ordered && exp.labels && !got.labels.equals(exp.labels))) return `missing or misplaced ${exp.labels?.toString()}`;
      if (!almostEqual(got.v, exp.values[0]!)) return `${got.labels.toString()}: expected ${exp.values[0]}, got ${got.v}`;
    }
    return undefined;
  }
  // A matrix: from a range query or a range selector at an instant.
  if (r.result.length !== c.expected.length) return `expected ${c.expected.length} series, got ${r.result.length}: ${r.result.map((s) => s.labels.toString()).join('; ')}`;
  for (const exp of c.expected) {
    const got = r.result.find((s) => (exp.labels === undefined ? s.labels.size === 0 : s.labels.equals(exp.labels)));
    if (!got) return `missing series ${exp.labels?.toString() ?? '{}'}`;
    if (c.mode === 'range') {
      const byT = new Map(got.samples.map((p) => [p.t, p.v]));
      for (let k = 0; k < exp.values.length; k++) {
        const t = c.atMs + k * c.stepMs;
        const want = exp.values[k];
        const have = byT.get(t);
        if (want === undefined && have === undefined) continue;
        if (want === undefined || have === undefined || !almostEqual(have, want)) return `${got.labels.toString()} at ${t / 1000}s: expected ${want ?? '_'}, got ${have ?? '_'}`;
      }
      if (got.samples.length !== exp.values.filter((v) => v !== undefined).length) return `${got.labels.toString()}: expected ${exp.values.filter((v) => v !== undefined).length} points, got ${got.samples.length}`;
    } else {
      const vals = got.samples.map((p) => p.v);
      const want = exp.values.filter((v): v is number => v !== undefined);
      if (vals.length !== want.length || vals.some((v, k) => !almostEqual(v, want[k]!))) return `${got.labels.toString()}: expected ${want.join(' ')}, got ${vals.join(' ')}`;
    }
  }
  return undefined;
}


