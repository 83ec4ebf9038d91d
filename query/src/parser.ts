/**
 * parseExpr: PromQL text to the typed AST, using the lezer grammar of Prometheus's own UI for the syntax and
 * checking types, modifiers and function signatures as Prometheus 2.42's parser does. Errors carry a
 * position and read like Prometheus's (`1:5: parse error: ...`).
 */
import { parser as lezer } from '@prometheus-io/lezer-promql';
import type { SyntaxNode } from '@lezer/common';
import { Matcher, isValidLabelName } from '@hlmon/model';
import type { MatchType } from '@hlmon/model';
import type { AtModifier, Expr, ValueType, VectorMatching, VectorSelector } from './ast.js';
import { QueryError } from './errors.js';
import type { PositionRange } from './errors.js';
import { FUNCTIONS } from './function-types.js';
import { unquote } from './series-values.js';
import { parseDurationMs } from './duration.js';

const AGGREGATIONS = new Set(['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'count_values', 'quantile']);
const PARAM_AGGREGATIONS = new Set(['topk', 'bottomk', 'count_values', 'quantile']);
const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);

/** Parses a PromQL expression into a type-checked AST; throws QueryError('bad_data') with a position. */
export function parseExpr(input: string): Expr {
  const renamed = checkFunctionNames(input);
  const tree = lezer.parse(renamed.text);
  let firstError: SyntaxNode | undefined;
  tree.iterate({
    enter(n) {
      if (firstError) return false;
      if (n.type.isError) { firstError = n.node; return false; }
      return undefined;
    },
  });
  if (firstError) throw syntaxError(input, firstError);
  const top = tree.topNode.firstChild;
  if (!top) throw new QueryError('bad_data', '1:1: parse error: no expression found in input', { positionRange: { start: 0, end: 0 } });
  const p = new Builder(input, renamed.holtWinters);
  const expr = p.expr(top);
  p.check(expr);
  return expr;
}

function syntaxError(input: string, node: SyntaxNode): QueryError {
  const pos = node.from;
  let what: string;
  if (pos >= input.length) what = 'unexpected end of input';
  else {
    const tok = /^(\s*)(\S+)/.exec(input.slice(pos))?.[2] ?? input[pos]!;
    what = `unexpected ${JSON.stringify(tok.slice(0, 20))}`;
  }
  return errorAt(input, { start: pos, end: Math.max(node.to, pos + 1) }, what);
}

/** A parse error in Prometheus's `line:col: parse error: msg` form. */
export function errorAt(input: string, pos: PositionRange, msg: string): QueryError {
  const before = input.slice(0, pos.start);
  const line = before.split('\n').length;
  const col = pos.start - before.lastIndexOf('\n');
  return new QueryError('bad_data', `${line}:${col}: parse error: ${msg}`, { positionRange: pos });
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'start', 'end', 'and', 'or', 'unless', 'atan2']);

/**
 * Finds calls of unknown functions before lezer does, to report them as Prometheus does, and hides
 * holt_winters (a Prometheus 2 function the newer grammar no longer knows) behind a known name of the same
 * length, so positions stay true.
 */
function checkFunctionNames(input: string): { text: string; holtWinters: Set<number> } {
  const holtWinters = new Set<number>();
  let text = input;
  const re = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|#[^\n]*|([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g;
  for (let m = re.exec(input); m; m = re.exec(input)) {
    const ident = m[1];
    if (ident === undefined || m[2] === undefined) continue;
    const lower = ident.toLowerCase();
    if (FUNCTIONS.has(ident) || AGGREGATIONS.has(lower) || KEYWORDS.has(lower)) {
      if (ident === 'holt_winters') {
        holtWinters.add(m.index);
        text = text.slice(0, m.index) + 'day_of_month' + text.slice(m.index + ident.length);
      }
      continue;
    }
    throw errorAt(input, { start: m.index, end: m.index + ident.length }, `unknown function with name ${JSON.stringify(ident)}`);
  }
  return { text, holtWinters };
}

class Builder {
  constructor(private readonly input: string, private readonly holtWinters: ReadonlySet<number> = new Set()) {}

  private text(n: SyntaxNode): string {
    return this.input.slice(n.from, n.to);
  }

  private fail(n: SyntaxNode | PositionRange, msg: string): never {
    const pos = 'from' in n ? { start: n.from, end: n.to } : n;
    throw errorAt(this.input, pos, msg);
  }

  private kids(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
    return out;
  }

  expr(n: SyntaxNode): Expr {
    const pos = { start: n.from, end: n.to };
    switch (n.name) {
      case 'NumberDurationLiteral': return { kind: 'number', value: this.number(n), pos };
      case 'StringLiteral': return { kind: 'string', value: this.string(n), pos };
      case 'VectorSelector': return this.vectorSelector(n);
      case 'MatrixSelector': {
        const [sel, dur] = this.kids(n);
        const inner = this.expr(sel!);
        if (inner.kind !== 'vectorSelector') this.fail(n, 'ranges only allowed for vector selectors');
        if (inner.offsetMs !== 0 || inner.at) this.fail(n, 'no offset or @ modifiers allowed before range');
        return { kind: 'matrixSelector', selector: inner, rangeMs: this.duration(dur!), pos };
      }
      case 'SubqueryExpr': {
        const [inner, range, step] = this.kids(n);
        const e = this.expr(inner!);
        const stepMs = step ? this.duration(step) : 0;
        return { kind: 'subquery', expr: e, rangeMs: this.duration(range!), stepMs, offsetMs: 0, at: undefined, pos };
      }
      case 'OffsetExpr': {
        const ks = this.kids(n);
        const target = this.expr(ks[0]!);
        const offsetMs = this.offset(ks[ks.length - 1]!);
        return this.applyModifier(n, target, (t) => {
          if (t.offsetMs !== 0) this.fail(n, 'offset may not be set multiple times');
          t.offsetMs = offsetMs;
        });
      }
      case 'StepInvariantExpr': {
        const ks = this.kids(n);
        const target = this.expr(ks[0]!);
        const at = this.at(ks[ks.length - 1]!);
        return this.applyModifier(n, target, (t) => {
          if (t.at) this.fail(n, '@ <timestamp> may not be set multiple times');
          t.at = at;
        });
      }
      case 'ParenExpr': return { kind: 'paren', expr: this.expr(this.kids(n)[0]!), pos };
      case 'UnaryExpr': {
        const [op, e] = this.kids(n);
        const inner = this.expr(e!);
        const o = this.text(op!) as '-' | '+';
        // Prometheus folds a sign into a number literal.
        if (inner.kind === 'number') return { kind: 'number', value: o === '-' ? -inner.value : inner.value, pos };
        return { kind: 'unary', op: o, expr: inner, pos };
      }
      case 'FunctionCall': return this.call(n);
      case 'AggregateExpr': return this.aggregate(n);
      case 'BinaryExpr': return this.binary(n);
      default:
        return this.fail(n, `unsupported expression ${JSON.stringify(this.text(n))} (${n.name})`);
    }
  }

  private applyModifier(n: SyntaxNode, target: Expr, set: (t: VectorSelector | { offsetMs: number; at: AtModifier | undefined }) => void): Expr {
    // In the lezer grammar `offset` and `@` bind looser than binary and unary operators (`a + b @ 5` parses
    // as `(a + b) @ 5`); in Prometheus they bind to the selector just before them, so descend to it.
    let t: Expr = target;
    while (t.kind === 'binary' || t.kind === 'unary') t = t.kind === 'binary' ? t.rhs : t.expr;
    if (t.kind === 'matrixSelector') { set(t.selector); return target; }
    if (t.kind === 'vectorSelector' || t.kind === 'subquery') { set(t); return target; }
    return this.fail(n, 'offset and @ modifiers must be preceded by an instant vector selector or range vector selector or a subquery');
  }

  private offset(n: SyntaxNode): number {
    // OffsetDurationExpr nests a unary sign around the duration.
    const ks = this.kids(n);
    if (n.name === 'OffsetDurationExpr' && ks.length === 2 && ks[0]!.name === 'UnaryOp') {
      const v = this.offset(ks[1]!);
      return this.text(ks[0]!) === '-' ? -v : v;
    }
    if (n.name === 'OffsetDurationExpr' && ks.length === 1) return this.offset(ks[0]!);
    return this.durationText(n);
  }

  private at(n: SyntaxNode): AtModifier {
    if (n.name === 'AtModifierPreprocessors') {
      const k = this.kids(n)[0]!;
      return k.name === 'AtStart' ? { kind: 'start' } : { kind: 'end' };
    }
    let sign = 1;
    let node = n;
    if (n.name === 'UnaryExpr') {
      const [op, e] = this.kids(n);
      if (this.text(op!) === '-') sign = -1;
      node = e!;
    }
    if (node.name !== 'NumberDurationLiteral') this.fail(n, 'unexpected expression after @');
    const v = sign * this.number(node);
    const ms = Math.round(v * 1000);
    if (!Number.isFinite(v) || Math.abs(ms) > 9.2e18) this.fail(n, `timestamp out of bounds for @ modifier: ${v}`);
    return { kind: 'time', ms };
  }

  private duration(n: SyntaxNode): number {
    const ks = this.kids(n);
    // DurationExpr wraps one literal; arithmetic on durations is a Prometheus 3 feature.
    if (n.name === 'DurationExpr' && ks.length === 1 && ks[0]!.name === 'NumberDurationLiteralInDurationContext') return this.durationText(ks[0]!);
    if (n.name === 'NumberDurationLiteralInDurationContext') return this.durationText(n);
    return this.fail(n, `unsupported duration expression ${JSON.stringify(this.text(n))}`);
  }

  private durationText(n: SyntaxNode): number {
    const s = this.text(n);
    let ms: number;
    try {
      ms = parseDurationMs(s);
    } catch (cause) {
      return this.fail(n, (cause as Error).message);
    }
    // Prometheus 2.42 rejects every zero duration: ranges, subquery steps and offsets alike.
    if (ms === 0) this.fail(n, 'duration must be greater than 0');
    return ms;
  }

  private number(n: SyntaxNode): number {
    const s = this.text(n);
    // The lezer grammar folds a leading sign into the literal.
    const sign = /^\s*-/.test(s) ? -1 : 1;
    const lower = s.replace(/^\s*[-+]\s*/, '').toLowerCase();
    return sign * this.unsignedNumber(n, s, lower);
  }

  private unsignedNumber(n: SyntaxNode, s: string, lower: string): number {
    if (lower === 'inf' || lower === '+inf') return Infinity;
    if (lower === 'nan') return NaN;
    if (/^0x[0-9a-f]+$/.test(lower)) return parseInt(lower.slice(2), 16);
    if (/^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(lower)) return Number(lower);
    // Prometheus 2.42 does not accept durations where a number is expected.
    return this.fail(n, `unexpected duration ${JSON.stringify(s)}`);
  }

  private string(n: SyntaxNode): string {
    try {
      return unquote(this.text(n));
    } catch (cause) {
      return this.fail(n, (cause as Error).message);
    }
  }

  private vectorSelector(n: SyntaxNode): VectorSelector {
    let name: string | undefined;
    const matchers: Matcher[] = [];
    for (const k of this.kids(n)) {
      if (k.name === 'Identifier' || k.name === 'MetricName') name = this.text(k);
      else if (k.name === 'LabelMatchers') {
        for (const m of this.kids(k)) {
          const ks = this.kids(m);
          let label: string;
          if (m.name === 'QuotedLabelName') {
            // A bare quoted name inside braces is the metric name (`{"my.metric"}`).
            const v = this.string(this.kids(m)[0]!);
            if (name !== undefined) this.fail(m, 'metric name must not be set twice');
            name = v;
            continue;
          }
          if (m.name === 'QuotedLabelMatcher') label = this.string(this.kids(ks[0]!)[0]!);
          else label = this.text(ks[0]!);
          const op = this.text(ks[1]!) as MatchType;
          const value = this.string(ks[2]!);
          try {
            matchers.push(new Matcher(op, label, value));
          } catch (cause) {
            this.fail(m, (cause as Error).message);
          }
        }
      }
    }
    if (name !== undefined) {
      if (matchers.some((m) => m.name === '__name__')) this.fail(n, `metric name must not be set twice: ${JSON.stringify(name)}`);
      matchers.unshift(new Matcher('=', '__name__', name));
    }
    // A selector must be able to select something: at least one matcher that does not match the empty string.
    if (!matchers.some((m) => !m.matchesEmpty())) this.fail(n, 'vector selector must contain at least one non-empty matcher');
    return { kind: 'vectorSelector', name, matchers, offsetMs: 0, at: undefined, pos: { start: n.from, end: n.to } };
  }

  private call(n: SyntaxNode): Expr {
    const [ident, body] = this.kids(n);
    const name = this.holtWinters.has(ident!.from) ? 'holt_winters' : this.text(ident!);
    const sig = FUNCTIONS.get(name);
    if (!sig) this.fail(ident!, `unknown function with name ${JSON.stringify(name)}`);
    const args = body ? this.kids(body).map((a) => this.expr(a)) : [];
    return { kind: 'call', func: name, args, pos: { start: n.from, end: n.to } };
  }

  private aggregate(n: SyntaxNode): Expr {
    let op = '', grouping: string[] = [], without = false;
    let args: Expr[] = [];
    for (const k of this.kids(n)) {
      if (k.name === 'AggregateOp') op = this.text(k).toLowerCase();
      else if (k.name === 'AggregateModifier') {
        const [kw, labels] = this.kids(k);
        without = kw!.name === 'Without';
        grouping = labels ? this.kids(labels).map((l) => (l.name === 'LabelName' ? this.text(l) : this.string(this.kids(l)[0] ?? l))) : [];
      } else if (k.name === 'FunctionCallBody') args = this.kids(k).map((a) => this.expr(a));
    }
    if (!AGGREGATIONS.has(op)) this.fail(n, `unsupported aggregation ${JSON.stringify(op)}`);
    const pos = { start: n.from, end: n.to };
    const wanted = PARAM_AGGREGATIONS.has(op) ? 2 : 1;
    if (args.length !== wanted) this.fail(n, `wrong number of arguments for aggregate expression provided, expected ${wanted}, got ${args.length}`);
    for (const g of grouping) if (!isValidLabelName(g)) this.fail(n, `invalid label name ${JSON.stringify(g)}`);
    return { kind: 'aggregate', op, expr: args[wanted - 1]!, param: wanted === 2 ? args[0] : undefined, grouping, without, pos };
  }

  private binary(n: SyntaxNode): Expr {
    const ks = this.kids(n);
    const lhs = this.expr(ks[0]!);
    const rhs = this.expr(ks[ks.length - 1]!);
    const op = this.text(ks[1]!).toLowerCase();
    let returnBool = false;
    let on = false, labels: string[] = [], include: string[] = [];
    let card: VectorMatching['card'] = 'one-to-one';
    let hasMatching = false;
    for (const k of ks.slice(2, -1)) {
      if (k.name === 'BoolModifier') returnBool = true;
      else if (k.name === 'MatchingModifierClause') {
        hasMatching = true;
        const mk = this.kids(k);
        on = mk[0]!.name === 'On';
        labels = this.groupingLabels(mk[1]);
        const group = mk[2];
        if (group) {
          card = group.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
          include = this.groupingLabels(mk[3]);
        }
      } else if (k.name === 'FillModifier' || k.name === 'FillClause') this.fail(k, 'fill modifiers are not supported');
    }
    const pos = { start: n.from, end: n.to };
    const lhsText = this.text(ks[0]!);
    if (op === '^' && ks[0]!.name === 'NumberDurationLiteral' && /^\s*[-+]/.test(lhsText)) {
      // In Prometheus a sign binds looser than `^` (-2 ^ 2 is -4), but the lezer grammar reads `-2` as
      // one literal; undo that here.
      const abs: Expr = { kind: 'number', value: Math.abs((lhs as { value: number }).value), pos: lhs.pos };
      const inner: Expr = { kind: 'binary', op, lhs: abs, rhs, returnBool: false, matching: undefined, pos };
      return lhsText.trim().startsWith('-') ? { kind: 'unary', op: '-', expr: inner, pos } : inner;
    }
    if (SET_OPS.has(op)) {
      if (card === 'many-to-one' || card === 'one-to-many') this.fail(n, `no grouping allowed for "${op}" operation`);
      card = 'many-to-many';
    }
    if (returnBool && !COMPARISONS.has(op)) this.fail(n, 'bool modifier can only be used on comparison operators');
    for (const l of include) if (on && labels.includes(l)) this.fail(n, `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`);
    const lt = typeOf(lhs), rt = typeOf(rhs);
    const bothVectors = lt === 'vector' && rt === 'vector';
    const matching: VectorMatching | undefined = bothVectors || hasMatching ? { card, on, labels, include } : undefined;
    if (hasMatching && !bothVectors) this.fail(n, 'vector matching only allowed between instant vectors');
    return { kind: 'binary', op, lhs, rhs, returnBool, matching, pos };
  }

  private groupingLabels(n: SyntaxNode | undefined): string[] {
    if (!n) return [];
    return this.kids(n).map((l) => (l.name === 'LabelName' ? this.text(l) : this.string(this.kids(l)[0] ?? l)));
  }

  /** Checks types bottom-up, as Prometheus's parser does after building the tree. */
  check(e: Expr): ValueType {
    switch (e.kind) {
      case 'number': return 'scalar';
      case 'string': return 'string';
      case 'vectorSelector': return 'vector';
      case 'matrixSelector': return 'matrix';
      case 'paren': return this.check(e.expr);
      case 'subquery': {
        const t = this.check(e.expr);
        if (t !== 'vector') this.fail(e.pos, `subquery is only allowed on instant vector, got ${typeName(t)} instead`);
        return 'matrix';
      }
      case 'unary': {
        const t = this.check(e.expr);
        if (t !== 'scalar' && t !== 'vector') this.fail(e.pos, `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(typeName(t))}`);
        return t;
      }
      case 'call': {
        const sig = FUNCTIONS.get(e.func)!;
        const n = e.args.length;
        const min = sig.variadic > 0 ? sig.args.length - sig.variadic : sig.args.length - (sig.variadic < 0 ? 1 : 0);
        const max = sig.variadic < 0 ? Infinity : sig.args.length;
        if (n < min || n > max) {
          const expected = sig.variadic === 0 ? String(sig.args.length) : sig.variadic < 0 ? `at least ${min}` : `at most ${max}`;
          this.fail(e.pos, `expected ${expected} argument(s) in call to ${JSON.stringify(e.func)}, got ${n}`);
        }
        e.args.forEach((a, i) => {
          const want = sig.args[Math.min(i, sig.args.length - 1)]!;
          this.expectType(a, want, `call to function ${JSON.stringify(e.func)}`);
        });
        return sig.returns;
      }
      case 'aggregate': {
        this.expectType(e.expr, 'vector', 'aggregation expression');
        if (e.param) {
          const want = e.op === 'count_values' ? 'string' : 'scalar';
          this.expectType(e.param, want, 'aggregation parameter');
        }
        return 'vector';
      }
      case 'binary': {
        const lt = this.check(e.lhs), rt = this.check(e.rhs);
        for (const t of [lt, rt]) if (t !== 'scalar' && t !== 'vector') this.fail(e.pos, 'binary expression must contain only scalar and instant vector types');
        if (SET_OPS.has(e.op) && (lt === 'scalar' || rt === 'scalar')) this.fail(e.pos, `set operator ${JSON.stringify(e.op)} not allowed in binary scalar expression`);
        if (COMPARISONS.has(e.op) && lt === 'scalar' && rt === 'scalar' && !e.returnBool) this.fail(e.pos, 'comparisons between scalars must use BOOL modifier');
        return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
      }
    }
  }

  private expectType(e: Expr, want: ValueType, context: string): void {
    const got = this.check(e);
    if (got !== want) this.fail(e.pos, `expected type ${typeName(want)} in ${context}, got ${typeName(got)}`);
  }
}

function typeName(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

/** The static type of an expression (assumes it was checked). */
export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number': return 'scalar';
    case 'string': return 'string';
    case 'vectorSelector': return 'vector';
    case 'matrixSelector': case 'subquery': return 'matrix';
    case 'paren': case 'unary': return typeOf(e.expr);
    case 'call': return FUNCTIONS.get(e.func)?.returns ?? 'vector';
    case 'aggregate': return 'vector';
    case 'binary': return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
  }
}
