/**
 * The evaluator: walks the AST and evaluates every node at all steps of the query at once, like
 * Prometheus 2.42's range evaluation. Each selector is read from the Querier once for the whole query,
 * then walked step by step; functions, operators and aggregations work one step at a time.
 */
import { Labels, METRIC_NAME, emptyFloatArray, isStaleNaN } from '@hlmon/model';
import type { Clock, Matcher, Querier } from '@hlmon/model';
import type { AggregateExpr, AtModifier, BinaryExpr, Call, Expr, MatrixSelector, SubqueryExpr, VectorSelector } from './ast.js';
import { QueryError } from './errors.js';
import { Grouper, aggregate } from './aggregations.js';
import { Signer, makeResultLabels, scalarBinop, setOp, vectorBinop, vectorScalarBinop } from './binary.js';
import { INSTANT_FUNCTIONS } from './functions.js';
import { RANGE_FUNCTIONS } from './range-functions.js';
import type { Window } from './range-functions.js';
import { isColumnar } from './value.js';
import type { RangeSeries, Value, VecElement } from './value.js';

/** State shared by an evaluation and its subquery evaluations. */
export interface EvalContext {
  readonly querier: Querier;
  readonly lookbackDeltaMs: number;
  readonly maxSamples: number;
  readonly defaultSubqueryStepMs: number;
  readonly queryStartMs: number;
  readonly queryEndMs: number;
  readonly clock: Clock;
  readonly deadlineMs: number;
  readonly signal: AbortSignal;
  /** Returns the error to raise when `signal` fired: a timeout or a cancellation. */
  readonly abortError: () => QueryError;
  samples: number;
  /** performance.now() at the last yield to the event loop. */
  lastYieldMs: number;
}

/** How long evaluation may hold the event loop before it lets other work (HTTP requests, aborts) run. */
const YIELD_EVERY_MS = 20;

const SET_OPS = new Set(['and', 'or', 'unless']);

/** Evaluates expressions at a fixed list of step times. */
export class Evaluator {
  private readonly dropCache = new WeakMap<Labels, Labels>();

  constructor(private readonly ctx: EvalContext, private readonly times: readonly number[]) {}

  /** Evaluates `e` at every step. */
  async eval(e: Expr): Promise<Value> {
    // Yielding between nodes keeps a long query from starving the server, and lets an abort be noticed.
    if (performance.now() - this.ctx.lastYieldMs > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      this.ctx.lastYieldMs = performance.now();
    }
    this.checkpoint();
    switch (e.kind) {
      case 'number': return { type: 'scalar', steps: this.times.map(() => e.value) };
      case 'string': return { type: 'string', value: e.value };
      case 'paren': return this.eval(e.expr);
      case 'vectorSelector': return { type: 'vector', steps: await this.selectVector(e) };
      case 'matrixSelector': case 'subquery': {
        const arg = await this.rangeArg(e);
        const i = this.times.length - 1;
        const ref = arg.refs[i]!;
        const series: RangeSeries[] = [];
        for (const s of arg.series) {
          const lo = lowerBound(s.ts, ref - arg.rangeMs), hi = upperBound(s.ts, ref);
          if (hi > lo) series.push({ labels: s.labels, ts: s.ts.slice(lo, hi), vs: s.vs.slice(lo, hi) });
        }
        return { type: 'matrix', series };
      }
      case 'unary': {
        const v = await this.eval(e.expr);
        if (e.op === '+') return v;
        if (v.type === 'scalar') return { type: 'scalar', steps: v.steps.map((x) => -x) };
        if (v.type !== 'vector') throw new QueryError('execution', 'unary minus on a non-vector value');
        return { type: 'vector', steps: this.uniqueSteps(v.steps.map((vec, i) => vec.map((x) => ({ labels: this.dropName(x.labels), v: -x.v, t: this.times[i]! })))) };
      }
      case 'binary': return this.binary(e);
      case 'aggregate': return this.aggregate(e);
      case 'call': return this.call(e);
    }
  }

  /** Drops `__name__`, cached per label set. */
  dropName = (l: Labels): Labels => {
    let d = this.dropCache.get(l);
    if (d === undefined) {
      d = l.has(METRIC_NAME) ? l.without(METRIC_NAME) : l;
      this.dropCache.set(l, d);
    }
    return d;
  };

  private checkpoint(): void {
    if (this.ctx.signal.aborted) throw this.ctx.abortError();
    if (this.ctx.clock.now() > this.ctx.deadlineMs) throw new QueryError('timeout', 'query timed out in query execution');
  }

  private addSamples(n: number): void {
    this.ctx.samples += n;
    if (this.ctx.samples > this.ctx.maxSamples) throw new QueryError('execution', 'query processing would load too many samples into memory in query execution');
  }

  private refTime(at: AtModifier | undefined, stepMs: number): number {
    if (!at) return stepMs;
    if (at.kind === 'start') return this.ctx.queryStartMs;
    if (at.kind === 'end') return this.ctx.queryEndMs;
    return at.ms;
  }

  /** Fails when a step holds two elements with the same labels; one map for all steps spares allocations. */
  private uniqueSteps(steps: VecElement[][]): VecElement[][] {
    const lastStep = new Map<string, number>();
    for (let i = 0; i < steps.length; i++) {
      const vec = steps[i]!;
      if (vec.length < 2) continue;
      for (const e of vec) {
        const k = e.labels.key;
        if (lastStep.get(k) === i) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
        lastStep.set(k, i);
      }
    }
    return steps;
  }

  /** Reads series as columns, through `selectColumns` when the querier has it. */
  private async select(matchers: readonly Matcher[], start: number, end: number): Promise<RangeSeries[]> {
    try {
      const q = this.ctx.querier;
      const hints = { start, end, signal: this.ctx.signal };
      let series: RangeSeries[];
      if (isColumnar(q)) series = await q.selectColumns(matchers, hints);
      else {
        series = (await q.select(matchers, hints)).map((s) => {
          const n = s.samples.length;
          const ts = new Array<number>(n), vs = emptyFloatArray();
          for (let i = 0; i < n; i++) { const p = s.samples[i]!; ts[i] = p.t; vs.push(p.v); }
          return { labels: s.labels, ts, vs };
        });
      }
      this.checkpoint();
      return series;
    } catch (cause) {
      if (cause instanceof QueryError) throw cause;
      if (this.ctx.signal.aborted) throw this.ctx.abortError();
      throw new QueryError('execution', `reading series ${matchers.map(String).join(',')}: ${(cause as Error).message}`, { cause });
    }
  }

  private async selectVector(vs: VectorSelector): Promise<VecElement[][]> {
    const refs = this.times.map((t) => this.refTime(vs.at, t) - vs.offsetMs);
    const steps: VecElement[][] = this.times.map(() => []);
    const series = await this.select(vs.matchers, refs[0]! - this.ctx.lookbackDeltaMs, refs[refs.length - 1]!);
    const lookback = this.ctx.lookbackDeltaMs;
    let emitted = 0;
    for (const s of series) {
      const { ts, vs: vals } = s;
      let j = 0;
      for (let i = 0; i < refs.length; i++) {
        const ref = refs[i]!;
        while (j < ts.length && ts[j]! <= ref) j++;
        if (j === 0) continue;
        const t = ts[j - 1]!, v = vals[j - 1]!;
        if (t < ref - lookback || isStaleNaN(v)) continue;
        steps[i]!.push({ labels: s.labels, v, t });
        emitted++;
      }
      this.checkpoint();
    }
    this.addSamples(emitted);
    return steps;
  }

  /** The data behind a range-vector argument and, per step, the end of its window. */
  private async rangeArg(e: MatrixSelector | SubqueryExpr): Promise<{ series: RangeSeries[]; refs: number[]; rangeMs: number }> {
    if (e.kind === 'matrixSelector') {
      const vs = e.selector;
      const refs = this.times.map((t) => this.refTime(vs.at, t) - vs.offsetMs);
      const raw = await this.select(vs.matchers, refs[0]! - e.rangeMs, refs[refs.length - 1]!);
      // Range vectors count the samples they hold, as Prometheus counts samples in memory, rather than each
      // sample once per window it falls in.
      let loaded = 0;
      for (const s of raw) loaded += s.ts.length;
      this.addSamples(loaded);
      // Staleness markers are not samples: range vectors leave them out.
      const series = raw.map((s) => (s.vs.some(isStaleNaN) ? withoutStale(s) : s)).filter((s) => s.ts.length > 0);
      return { series, refs, rangeMs: e.rangeMs };
    }
    const refs = this.times.map((t) => this.refTime(e.at, t) - e.offsetMs);
    const stepMs = e.stepMs || this.ctx.defaultSubqueryStepMs;
    const innerStart = Math.ceil((refs[0]! - e.rangeMs) / stepMs) * stepMs;
    const innerEnd = refs[refs.length - 1]!;
    const count = Math.floor((innerEnd - innerStart) / stepMs) + 1;
    if (count > this.ctx.maxSamples) throw new QueryError('execution', 'query processing would load too many samples into memory in query execution');
    const innerTimes: number[] = [];
    for (let t = innerStart; t <= innerEnd; t += stepMs) innerTimes.push(t);
    if (innerTimes.length === 0) return { series: [], refs, rangeMs: e.rangeMs };
    const inner = await new Evaluator(this.ctx, innerTimes).eval(e.expr);
    if (inner.type !== 'vector') throw new QueryError('execution', 'subquery is only allowed on instant vector');
    const byKey = new Map<string, RangeSeries>();
    inner.steps.forEach((vec, i) => {
      for (const el of vec) {
        let s = byKey.get(el.labels.key);
        if (!s) byKey.set(el.labels.key, (s = { labels: el.labels, ts: [], vs: emptyFloatArray() }));
        s.ts.push(innerTimes[i]!);
        s.vs.push(el.v);
      }
    });
    return { series: [...byKey.values()], refs, rangeMs: e.rangeMs };
  }

  private async scalarSteps(e: Expr): Promise<number[]> {
    const v = await this.eval(e);
    if (v.type !== 'scalar') throw new QueryError('execution', `expected scalar, got ${v.type}`);
    return v.steps;
  }

  private async vectorSteps(e: Expr): Promise<VecElement[][]> {
    const v = await this.eval(e);
    if (v.type !== 'vector') throw new QueryError('execution', `expected instant vector, got ${v.type}`);
    return v.steps;
  }

  private async binary(e: BinaryExpr): Promise<Value> {
    const [l, r] = await Promise.all([this.eval(e.lhs), this.eval(e.rhs)]);
    if (l.type === 'scalar' && r.type === 'scalar') {
      return { type: 'scalar', steps: l.steps.map((lv, i) => {
        const [v, keep] = scalarBinop(e.op, lv, r.steps[i]!);
        return e.returnBool ? (keep ? 1 : 0) : v;
      }) };
    }
    if (l.type === 'vector' && r.type === 'scalar') {
      return { type: 'vector', steps: this.uniqueSteps(l.steps.map((vec, i) => vectorScalarBinop(e.op, vec, r.steps[i]!, false, e.returnBool, this.dropName, this.times[i]!))) };
    }
    if (l.type === 'scalar' && r.type === 'vector') {
      return { type: 'vector', steps: this.uniqueSteps(r.steps.map((vec, i) => vectorScalarBinop(e.op, vec, l.steps[i]!, true, e.returnBool, this.dropName, this.times[i]!))) };
    }
    if (l.type !== 'vector' || r.type !== 'vector') throw new QueryError('execution', 'binary expression must contain only scalar and instant vector types');
    const matching = e.matching ?? { card: SET_OPS.has(e.op) ? 'many-to-many' : 'one-to-one', on: false, labels: [], include: [] } as const;
    const signer = new Signer(matching);
    if (SET_OPS.has(e.op)) {
      return { type: 'vector', steps: l.steps.map((vec, i) => setOp(e.op, vec, r.steps[i]!, signer)) };
    }
    const resultLabels = makeResultLabels(e.op, matching);
    return { type: 'vector', steps: this.uniqueSteps(l.steps.map((vec, i) => {
      if ((i & 63) === 0) this.checkpoint();
      return vectorBinop(e.op, vec, r.steps[i]!, matching, e.returnBool, signer, resultLabels, this.times[i]!);
    })) };
  }

  private async aggregate(e: AggregateExpr): Promise<Value> {
    const [vec, param] = await Promise.all([
      this.vectorSteps(e.expr),
      e.param === undefined ? undefined : this.eval(e.param),
    ]);
    const grouper = new Grouper(e.grouping, e.without);
    return { type: 'vector', steps: vec.map((v, i) => {
      if ((i & 63) === 0) this.checkpoint();
      const p = param === undefined ? undefined : param.type === 'string' ? param.value : param.type === 'scalar' ? param.steps[i] : undefined;
      return aggregate(e.op, v, grouper, e.grouping, e.without, p, this.times[i]!);
    }) };
  }

  private async call(e: Call): Promise<Value> {
    const name = e.func;
    if (name === 'time') return { type: 'scalar', steps: this.times.map((t) => t / 1000) };
    if (name === 'pi') return { type: 'scalar', steps: this.times.map(() => Math.PI) };
    if (name === 'vector') {
      const s = await this.scalarSteps(e.args[0]!);
      return { type: 'vector', steps: s.map((v, i) => [{ labels: Labels.EMPTY, v, t: this.times[i]! }]) };
    }
    if (name === 'scalar') {
      const v = await this.vectorSteps(e.args[0]!);
      return { type: 'scalar', steps: v.map((vec) => (vec.length === 1 ? vec[0]!.v : NaN)) };
    }
    if (name === 'absent') {
      const v = await this.vectorSteps(e.args[0]!);
      const labels = absentLabels(e.args[0]!);
      return { type: 'vector', steps: v.map((vec, i) => (vec.length === 0 ? [{ labels, v: 1, t: this.times[i]! }] : [])) };
    }
    if (name === 'timestamp') {
      const direct = unwrapParens(e.args[0]!).kind === 'vectorSelector';
      const v = await this.vectorSteps(e.args[0]!);
      return { type: 'vector', steps: this.uniqueSteps(v.map((vec, i) => vec.map((x) => ({ labels: this.dropName(x.labels), v: (direct ? x.t : this.times[i]!) / 1000, t: this.times[i]! })))) };
    }
    const rangeIdx = e.args.findIndex((a) => { const u = unwrapParens(a); return u.kind === 'matrixSelector' || u.kind === 'subquery'; });
    if (rangeIdx >= 0) return this.rangeCall(e, rangeIdx);
    const fn = INSTANT_FUNCTIONS.get(name);
    if (!fn) throw new QueryError('bad_data', `function ${JSON.stringify(name)} is not supported`);
    const vals = await Promise.all(e.args.map((a) => this.eval(a)));
    const vectors = vals.map((v) => (v.type === 'vector' ? v.steps : undefined));
    const scalars = vals.map((v) => (v.type === 'scalar' ? v.steps : undefined));
    const strings = vals.map((v) => (v.type === 'string' ? v.value : undefined));
    const keepsOrder = name === 'sort' || name === 'sort_desc';
    const steps = this.times.map((t, i) => {
      if ((i & 63) === 0) this.checkpoint();
      return fn({ vectors: vectors.map((v) => v?.[i]), scalars: scalars.map((s) => s?.[i]), strings, stepMs: t, dropName: this.dropName });
    });
    return { type: 'vector', steps: keepsOrder ? steps : this.uniqueSteps(steps) };
  }

  private async rangeCall(e: Call, rangeIdx: number): Promise<Value> {
    const argExpr = unwrapParens(e.args[rangeIdx]!) as MatrixSelector | SubqueryExpr;
    const scalarArgs = e.args.filter((_, i) => i !== rangeIdx);
    const [arg, ...params] = await Promise.all([this.rangeArg(argExpr), ...scalarArgs.map((a) => this.scalarSteps(a))]);
    const steps: VecElement[][] = this.times.map(() => []);
    const n = arg.series.length;
    if (e.func === 'absent_over_time') {
      const labels = absentLabels(argExpr);
      const lo = new Array<number>(n).fill(0), hi = new Array<number>(n).fill(0);
      this.times.forEach((t, i) => {
        const ref = arg.refs[i]!;
        let any = false;
        for (let s = 0; s < n; s++) {
          const ts = arg.series[s]!.ts;
          while (lo[s]! < ts.length && ts[lo[s]!]! < ref - arg.rangeMs) lo[s]!++;
          while (hi[s]! < ts.length && ts[hi[s]!]! <= ref) hi[s]!++;
          if (hi[s]! > lo[s]!) any = true;
        }
        if (!any) steps[i]!.push({ labels, v: 1, t });
      });
      return { type: 'vector', steps };
    }
    const fn = RANGE_FUNCTIONS.get(e.func);
    if (!fn) throw new QueryError('bad_data', `function ${JSON.stringify(e.func)} is not supported`);
    const keepName = e.func === 'last_over_time';
    const paramsAt = this.times.map((_, i) => params.map((p) => p[i]!));
    const w: Window = { ts: [], vs: [], lo: 0, hi: 0, stepMs: 0, rangeEndMs: 0, rangeMs: arg.rangeMs, params: [] };
    for (const s of arg.series) {
      const labels = keepName ? s.labels : this.dropName(s.labels);
      const ts = s.ts;
      w.ts = ts;
      w.vs = s.vs;
      let lo = 0, hi = 0;
      for (let i = 0; i < this.times.length; i++) {
        const ref = arg.refs[i]!;
        const start = ref - arg.rangeMs;
        // Window ends never decrease from one step to the next (with `@` they stay put), so both edges
        // only move forward.
        while (lo < ts.length && ts[lo]! < start) lo++;
        if (hi < lo) hi = lo;
        while (hi < ts.length && ts[hi]! <= ref) hi++;
        if (hi <= lo) continue;
        w.lo = lo;
        w.hi = hi;
        w.stepMs = this.times[i]!;
        w.rangeEndMs = ref;
        w.params = paramsAt[i]!;
        let v: number | undefined;
        try {
          v = fn(w);
        } catch (cause) {
          throw new QueryError('execution', (cause as Error).message, { cause });
        }
        if (v !== undefined) steps[i]!.push({ labels, v, t: this.times[i]! });
      }
      this.checkpoint();
    }
    return { type: 'vector', steps: this.uniqueSteps(steps) };
  }
}

function withoutStale(s: RangeSeries): RangeSeries {
  const ts: number[] = [], vs: number[] = [];
  for (let i = 0; i < s.ts.length; i++) if (!isStaleNaN(s.vs[i]!)) { ts.push(s.ts[i]!); vs.push(s.vs[i]!); }
  return { labels: s.labels, ts, vs };
}

function unwrapParens(e: Expr): Expr {
  while (e.kind === 'paren') e = e.expr;
  return e;
}

/** The labels absent() and absent_over_time() report: the selector's equality matchers, except ambiguous ones. */
function absentLabels(arg: Expr): Labels {
  const e = unwrapParens(arg);
  const vs = e.kind === 'vectorSelector' ? e : e.kind === 'matrixSelector' ? e.selector : undefined;
  if (!vs) return Labels.EMPTY;
  const b = Labels.EMPTY.builder();
  const drop: string[] = [];
  for (const m of vs.matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && b.get(m.name) === '' && !b.names().includes(m.name)) b.set(m.name, m.value);
    else drop.push(m.name);
  }
  b.del(...drop);
  return b.labels();
}

function lowerBound(ts: readonly number[], t: number): number {
  let lo = 0, hi = ts.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (ts[m]! < t) lo = m + 1; else hi = m; }
  return lo;
}

function upperBound(ts: readonly number[], t: number): number {
  let lo = 0, hi = ts.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (ts[m]! <= t) lo = m + 1; else hi = m; }
  return lo;
}
