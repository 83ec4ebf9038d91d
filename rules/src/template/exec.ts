/**
 * Executes a parsed Go template. Values follow Go's kinds: string, float64 (JS number), int (bigint),
 * bool, nil (null), slices (arrays) and maps (plain objects). Execution is asynchronous because
 * Prometheus's `query` function reads the store.
 */
import { TemplateError, type Node, type Operand, type Pipeline, type ParsedTemplate } from './parse.js';
import { formatGoFloat } from './gofmt.js';

/** A template function. Receives evaluated arguments; may be async. */
export type TemplateFunc = (...args: unknown[]) => unknown;

/** Go's zero value for a missing map key under `missingkey=zero` of a map[string]string. */
const MISSING = '';

class BreakSignal { }
class ContinueSignal { }

/** Go's notion of truth for `if`, `with`, `and`, `or`, `not`. */
export function isTrue(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0 || !isPlainMap(v);
  return true;
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Go's fmt.Sprint of one value, as the template engine prints an action's result. */
export function printValue(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatGoFloat(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return String(v.toISOString());
  if (Array.isArray(v)) return '[' + v.map(printValue).join(' ') + ']';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof (o as { goString?: unknown }).goString === 'function') return (o as { goString(): string }).goString();
    return 'map[' + Object.keys(o).sort().map((k) => `${k}:${printValue(o[k])}`).join(' ') + ']';
  }
  return String(v);
}

interface Scope {
  vars: Map<string, unknown>[];
}

function lookupVar(scope: Scope, name: string, tpl: string): unknown {
  for (let i = scope.vars.length - 1; i >= 0; i--) {
    const m = scope.vars[i]!;
    if (m.has(name)) return m.get(name);
  }
  throw new TemplateError(`template: ${tpl}: undefined variable: ${name}`);
}

function setVar(scope: Scope, name: string, value: unknown, assign: boolean): void {
  if (assign) {
    for (let i = scope.vars.length - 1; i >= 0; i--) {
      if (scope.vars[i]!.has(name)) { scope.vars[i]!.set(name, value); return; }
    }
  }
  scope.vars[scope.vars.length - 1]!.set(name, value);
}

/** Executes templates against data with a function map. */
export class TemplateExecutor {
  constructor(private readonly funcs: Readonly<Record<string, TemplateFunc>>) {}

  /** Renders `tpl` with `data` as dot. */
  async execute(tpl: ParsedTemplate, data: unknown): Promise<string> {
    const out: string[] = [];
    const scope: Scope = { vars: [new Map([['$', data]])] };
    await this.walk(tpl, tpl.root, data, scope, out);
    return out.join('');
  }

  private async walk(tpl: ParsedTemplate, nodes: Node[], dot: unknown, scope: Scope, out: string[]): Promise<void> {
    for (const n of nodes) {
      switch (n.kind) {
        case 'text': out.push(n.text); break;
        case 'action': {
          const v = await this.pipe(tpl, n.pipe, dot, scope);
          if (n.pipe.decl.length === 0) out.push(printValue(v));
          break;
        }
        case 'if': case 'with': {
          scope.vars.push(new Map());
          try {
            const v = await this.pipe(tpl, n.pipe, dot, scope);
            if (isTrue(v)) await this.walk(tpl, n.then, n.kind === 'with' ? v : dot, scope, out);
            else await this.walk(tpl, n.else, dot, scope, out);
          } finally { scope.vars.pop(); }
          break;
        }
        case 'range': {
          scope.vars.push(new Map());
          try {
            const decl = n.pipe.decl;
            const v = await this.pipe(tpl, { ...n.pipe, decl: [] }, dot, scope);
            let entries: [unknown, unknown][];
            if (Array.isArray(v)) entries = v.map((e, i) => [BigInt(i), e]);
            else if (isPlainMap(v)) entries = Object.keys(v).sort().map((k) => [k, v[k]]);
            else if (typeof v === 'bigint') entries = Array.from({ length: Number(v) }, (_, i) => [BigInt(i), BigInt(i)]);
            else if (v === null || v === undefined) entries = [];
            else throw new TemplateError(`template: ${tpl.name}:${n.pipe.line}: range can't iterate over ${printValue(v)}`);
            if (entries.length === 0) { await this.walk(tpl, n.else, dot, scope, out); break; }
            for (const [k, e] of entries) {
              if (decl.length === 1) setVar(scope, decl[0]!, e, false);
              if (decl.length === 2) { setVar(scope, decl[0]!, k, false); setVar(scope, decl[1]!, e, false); }
              try { await this.walk(tpl, n.then, e, scope, out); }
              catch (sig) {
                if (sig instanceof BreakSignal) break;
                if (sig instanceof ContinueSignal) continue;
                throw sig;
              }
            }
          } finally { scope.vars.pop(); }
          break;
        }
        case 'template': {
          const body = tpl.defines.get(n.name);
          if (!body) throw new TemplateError(`template: ${tpl.name}:${n.line}: no such template "${n.name}"`);
          const arg = n.pipe ? await this.pipe(tpl, n.pipe, dot, scope) : null;
          await this.walk(tpl, body, arg, { vars: [new Map([['$', arg]])] }, out);
          break;
        }
        case 'break': throw new BreakSignal();
        case 'continue': throw new ContinueSignal();
      }
    }
  }

  private async pipe(tpl: ParsedTemplate, p: Pipeline, dot: unknown, scope: Scope): Promise<unknown> {
    let value: unknown = undefined;
    let first = true;
    for (const cmd of p.cmds) {
      value = await this.command(tpl, cmd.args, dot, scope, first ? undefined : { v: value }, p.line);
      first = false;
    }
    for (const d of p.decl) setVar(scope, d, value, p.assign);
    return value;
  }

  private async command(tpl: ParsedTemplate, args: Operand[], dot: unknown, scope: Scope, final: { v: unknown } | undefined, line: number): Promise<unknown> {
    const head = args[0]!;
    const where = `template: ${tpl.name}:${line}`;
    if (head.kind === 'ident') {
      const fn = this.funcs[head.name];
      if (!fn) throw new TemplateError(`${where}: function "${head.name}" not defined`);
      const vals: unknown[] = [];
      // `and` and `or` short-circuit in Go 1.18+; evaluating lazily keeps `query` calls from running needlessly.
      if (head.name === 'and' || head.name === 'or') {
        let last: unknown = undefined;
        const ops = args.slice(1);
        const all = final ? [...ops.map((o) => ({ o })), { v: final.v }] : ops.map((o) => ({ o }));
        for (const a of all) {
          last = 'o' in a ? await this.operand(tpl, a.o, dot, scope, line) : a.v;
          if (head.name === 'and' ? !isTrue(last) : isTrue(last)) return last;
        }
        return last;
      }
      for (const a of args.slice(1)) vals.push(await this.operand(tpl, a, dot, scope, line));
      if (final) vals.push(final.v);
      try {
        return await fn(...vals);
      } catch (cause) {
        if (cause instanceof TemplateError) throw cause;
        throw new TemplateError(`${where}: error calling ${head.name}: ${(cause as Error).message ?? String(cause)}`, { cause });
      }
    }
    if (args.length > 1 || final) {
      if (args.length === 1 && final && head.kind !== 'field' && head.kind !== 'var') {
        throw new TemplateError(`${where}: can't give argument to non-function ${describe(head)}`);
      }
      if (args.length > 1) throw new TemplateError(`${where}: can't give argument to non-function ${describe(head)}`);
    }
    return this.operand(tpl, head, dot, scope, line);
  }

  private async operand(tpl: ParsedTemplate, o: Operand, dot: unknown, scope: Scope, line: number): Promise<unknown> {
    switch (o.kind) {
      case 'string': return o.value;
      case 'number': return o.value;
      case 'bool': return o.value;
      case 'nil': return null;
      case 'field': return fieldChain(dot, o.names, tpl.name, line);
      case 'var': return fieldChain(lookupVar(scope, o.name, tpl.name), o.names, tpl.name, line);
      case 'pipe': return fieldChain(await this.pipe(tpl, o.pipe, dot, scope), o.names, tpl.name, line);
      case 'ident': {
        const fn = this.funcs[o.name];
        if (!fn) throw new TemplateError(`template: ${tpl.name}:${line}: function "${o.name}" not defined`);
        return fn();
      }
    }
  }
}

function describe(o: Operand): string {
  switch (o.kind) {
    case 'string': return JSON.stringify(o.value);
    case 'number': return String(o.value);
    default: return o.kind;
  }
}

function fieldChain(v: unknown, names: string[], tpl: string, line: number): unknown {
  for (const name of names) {
    if (v === null || v === undefined) {
      throw new TemplateError(`template: ${tpl}:${line}: nil pointer evaluating .${name}`);
    }
    if (typeof v !== 'object' || Array.isArray(v)) {
      throw new TemplateError(`template: ${tpl}:${line}: can't evaluate field ${name} in type ${goType(v)}`);
    }
    const o = v as Record<string, unknown>;
    v = Object.prototype.hasOwnProperty.call(o, name) ? o[name] : MISSING;
  }
  return v;
}

/** Go's name for the type of a template value, for error messages. */
export function goType(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]string';
}
