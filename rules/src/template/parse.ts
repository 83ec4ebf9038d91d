/**
 * A parser for the subset of Go's text/template that Prometheus rule files use: text, actions with
 * pipelines, variables, fields, `if`/`else if`/`else`/`end`, `range`, `with`, `define`/`template`, comments
 * and the `{{-`/`-}}` trim markers.
 */

/** Raised for a template that does not parse; the message follows Go's `template: name:line: ...` shape. */
export class TemplateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

/** An operand of a command. */
export type Operand =
  | { kind: 'field'; names: string[] } // .A.B ; names [] means dot itself
  | { kind: 'var'; name: string; names: string[] } // $x.A.B
  | { kind: 'ident'; name: string } // function name
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number | bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'pipe'; pipe: Pipeline; names: string[] };

/** A command: operands, the first of which may be a function. */
export interface Command {
  args: Operand[];
}

/** A pipeline with optional variable declarations. */
export interface Pipeline {
  decl: string[];
  assign: boolean; // `=` instead of `:=`
  cmds: Command[];
  line: number;
}

/** A node of the template tree. */
export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline }
  | { kind: 'if' | 'with'; pipe: Pipeline; then: Node[]; else: Node[] }
  | { kind: 'range'; pipe: Pipeline; then: Node[]; else: Node[] }
  | { kind: 'template'; name: string; pipe: Pipeline | undefined; line: number }
  | { kind: 'break' | 'continue' };

/** A parsed template: its main body and the named templates it defines. */
export interface ParsedTemplate {
  name: string;
  root: Node[];
  defines: Map<string, Node[]>;
}

type Tok =
  | { t: 'text'; v: string }
  | { t: 'action'; v: string; line: number };

function splitActions(src: string, name: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) { toks.push({ t: 'text', v: src.slice(i) }); break; }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) { text = text.replace(/\s+$/, ''); start += 1; }
    if (text) toks.push({ t: 'text', v: text });
    line += (src.slice(i, open).match(/\n/g) ?? []).length;
    // Find the closing delimiter, skipping quoted strings and comments.
    let j = start;
    let close = -1;
    while (j < src.length) {
      const c = src[j]!;
      if (c === '"' || c === '`' || c === "'") {
        const q = c; j++;
        while (j < src.length && src[j] !== q) { if (src[j] === '\\' && q !== '`') j++; j++; }
        j++;
        continue;
      }
      if (src.startsWith('/*', j)) {
        const end = src.indexOf('*/', j + 2);
        if (end < 0) throw new TemplateError(`template: ${name}:${line}: unclosed comment`);
        j = end + 2;
        continue;
      }
      if (src.startsWith('}}', j)) { close = j; break; }
      j++;
    }
    if (close < 0) throw new TemplateError(`template: ${name}:${line}: unclosed action`);
    let body = src.slice(start, close);
    let next = close + 2;
    let trimRight = false;
    if (/\s-$/.test(body)) { body = body.slice(0, -1); trimRight = true; }
    toks.push({ t: 'action', v: body, line });
    line += (src.slice(open, next).match(/\n/g) ?? []).length;
    if (trimRight) {
      const m = src.slice(next).match(/^\s*/)![0];
      line += (m.match(/\n/g) ?? []).length;
      next += m.length;
    }
    i = next;
  }
  return toks;
}

type Lex =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number | bigint }
  | { t: 'field'; v: string[] }
  | { t: 'var'; v: string; names: string[] }
  | { t: 'ident'; v: string }
  | { t: 'op'; v: '|' | '(' | ')' | ':=' | '=' | ',' }
  | { t: 'fieldsuffix'; v: string[] };

function lexAction(s: string, name: string, line: number): Lex[] {
  const out: Lex[] = [];
  let i = 0;
  const err = (m: string) => new TemplateError(`template: ${name}:${line}: ${m}`);
  const readNames = (): string[] => {
    const names: string[] = [];
    while (s[i] === '.' && /[A-Za-z_]/.test(s[i + 1] ?? '')) {
      i++;
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))!;
      names.push(m[0]);
      i += m[0].length;
    }
    return names;
  };
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (s.startsWith('/*', i)) { const e = s.indexOf('*/', i); i = e + 2; continue; }
    if (c === '|' || c === '(' || c === ',') { out.push({ t: 'op', v: c }); i++; continue; }
    if (c === ')') {
      out.push({ t: 'op', v: ')' }); i++;
      if (s[i] === '.') out.push({ t: 'fieldsuffix', v: readNames() });
      continue;
    }
    if (s.startsWith(':=', i)) { out.push({ t: 'op', v: ':=' }); i += 2; continue; }
    if (c === '=') { out.push({ t: 'op', v: '=' }); i++; continue; }
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') { if (s[j] === '\\') j++; j++; }
      if (j >= s.length) throw err('unterminated quoted string');
      try { out.push({ t: 'str', v: JSON.parse(s.slice(i, j + 1).replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')) as string }); }
      catch (cause) { throw new TemplateError(`template: ${name}:${line}: bad string ${s.slice(i, j + 1)}`, { cause }); }
      i = j + 1; continue;
    }
    if (c === '`') {
      const j = s.indexOf('`', i + 1);
      if (j < 0) throw err('unterminated raw quoted string');
      out.push({ t: 'str', v: s.slice(i + 1, j) }); i = j + 1; continue;
    }
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      out.push({ t: 'num', v: BigInt(s.codePointAt(i + 1)!) }); i = j + 1; continue;
    }
    if (c === '.') {
      if (!/[A-Za-z_]/.test(s[i + 1] ?? '')) {
        if (/[0-9]/.test(s[i + 1] ?? '')) { /* a number like .5 */ }
        else { out.push({ t: 'field', v: [] }); i++; continue; }
      } else { out.push({ t: 'field', v: readNames() }); continue; }
    }
    if (c === '$') {
      const m = /^\$[A-Za-z0-9_]*/.exec(s.slice(i))!;
      i += m[0].length;
      out.push({ t: 'var', v: m[0], names: readNames() });
      continue;
    }
    const num = /^[+-]?(0[xX][0-9a-fA-F_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)/.exec(s.slice(i));
    if (num && num[0] !== '' && /\d/.test(num[0])) {
      const txt = num[0].replace(/_/g, '');
      const isFloat = /[.eE]/.test(txt) && !/^[+-]?0[xX]/.test(txt);
      out.push({ t: 'num', v: isFloat ? Number(txt) : BigInt(txt) });
      i += num[0].length; continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (id) { out.push({ t: 'ident', v: id[0] }); i += id[0].length; continue; }
    throw err(`unexpected ${JSON.stringify(c)} in command`);
  }
  return out;
}

class PipeParser {
  private i = 0;
  constructor(private readonly toks: Lex[], private readonly name: string, private readonly line: number) {}

  private err(m: string): TemplateError {
    return new TemplateError(`template: ${this.name}:${this.line}: ${m}`);
  }

  done(): boolean {
    return this.i >= this.toks.length;
  }

  pipeline(context: string, allowDecl = true): Pipeline {
    const p: Pipeline = { decl: [], assign: false, cmds: [], line: this.line };
    if (allowDecl) {
      // Lookahead for `$x :=`, `$x =` or `$i, $e :=`.
      const t0 = this.toks[this.i], t1 = this.toks[this.i + 1];
      if (t0?.t === 'var' && t0.names.length === 0 && t1?.t === 'op' && (t1.v === ':=' || t1.v === '=' || t1.v === ',')) {
        if (t1.v === ',') {
          const t2 = this.toks[this.i + 2], t3 = this.toks[this.i + 3];
          if (t2?.t !== 'var' || t3?.t !== 'op' || (t3.v !== ':=' && t3.v !== '=')) throw this.err(`too many declarations in ${context}`);
          p.decl = [t0.v, t2.v]; p.assign = t3.v === '='; this.i += 4;
        } else {
          p.decl = [t0.v]; p.assign = t1.v === '='; this.i += 2;
        }
      }
    }
    for (;;) {
      const cmd = this.command();
      if (cmd.args.length === 0) throw this.err(`missing value for ${context}`);
      p.cmds.push(cmd);
      const t = this.toks[this.i];
      if (t?.t === 'op' && t.v === '|') { this.i++; continue; }
      break;
    }
    return p;
  }

  private command(): Command {
    const args: Operand[] = [];
    for (;;) {
      const t = this.toks[this.i];
      if (!t) break;
      if (t.t === 'op' && (t.v === '|' || t.v === ')')) break;
      this.i++;
      switch (t.t) {
        case 'str': args.push({ kind: 'string', value: t.v }); break;
        case 'num': args.push({ kind: 'number', value: t.v }); break;
        case 'field': args.push({ kind: 'field', names: t.v }); break;
        case 'var': args.push({ kind: 'var', name: t.v, names: t.names }); break;
        case 'ident':
          if (t.v === 'true' || t.v === 'false') args.push({ kind: 'bool', value: t.v === 'true' });
          else if (t.v === 'nil') args.push({ kind: 'nil' });
          else args.push({ kind: 'ident', name: t.v });
          break;
        case 'op':
          if (t.v === '(') {
            const pipe = this.pipeline('parenthesized pipeline', false);
            const close = this.toks[this.i];
            if (close?.t !== 'op' || close.v !== ')') throw this.err('unclosed left paren');
            this.i++;
            let names: string[] = [];
            const suffix = this.toks[this.i];
            if (suffix?.t === 'fieldsuffix') { names = suffix.v; this.i++; }
            args.push({ kind: 'pipe', pipe, names });
          } else throw this.err(`unexpected "${t.v}" in operand`);
          break;
        case 'fieldsuffix': throw this.err('unexpected field');
      }
    }
    return { args };
  }
}

/** Parses template source into a tree. Throws TemplateError with Go's message shape. */
export function parseTemplate(src: string, name = 'template'): ParsedTemplate {
  const toks = splitActions(src, name);
  const defines = new Map<string, Node[]>();
  let pos = 0;

  type Stop = 'end' | 'else' | 'eof';
  function parseList(inBlock: string | null): { nodes: Node[]; stop: Stop; elseTail: string } {
    const nodes: Node[] = [];
    while (pos < toks.length) {
      const tok = toks[pos++]!;
      if (tok.t === 'text') { nodes.push({ kind: 'text', text: tok.v }); continue; }
      const body = tok.v.trim();
      if (body.startsWith('/*')) continue; // comment
      const lex = lexAction(body, name, tok.line);
      if (lex.length === 0) throw new TemplateError(`template: ${name}:${tok.line}: missing value for command`);
      const head = lex[0]!;
      const kw = head.t === 'ident' ? head.v : '';
      const rest = new PipeParser(lex.slice(1), name, tok.line);
      const err = (m: string) => new TemplateError(`template: ${name}:${tok.line}: ${m}`);
      switch (kw) {
        case 'end':
          if (!inBlock) throw err('unexpected {{end}}');
          return { nodes, stop: 'end', elseTail: '' };
        case 'else':
          if (!inBlock || inBlock === 'define') throw err('unexpected {{else}}');
          return { nodes, stop: 'else', elseTail: body.slice(4).trim() };
        case 'if': case 'with': case 'range': {
          const pipe = rest.pipeline(kw, kw !== 'if');
          if (!rest.done()) throw err(`unexpected token in ${kw}`);
          const block = parseBlock(kw);
          nodes.push({ kind: kw, pipe, then: block.then, else: block.else } as Node);
          continue;
        }
        case 'define': {
          const n = lex[1];
          if (n?.t !== 'str') throw err('define requires a name');
          const inner = parseList('define');
          if (inner.stop !== 'end') throw err('unexpected EOF in define');
          defines.set(n.v, inner.nodes);
          continue;
        }
        case 'template': {
          const n = lex[1];
          if (n?.t !== 'str') throw err('template requires a name');
          const p2 = new PipeParser(lex.slice(2), name, tok.line);
          nodes.push({ kind: 'template', name: n.v, pipe: p2.done() ? undefined : p2.pipeline('template'), line: tok.line });
          continue;
        }
        case 'break': case 'continue':
          nodes.push({ kind: kw });
          continue;
        default: {
          const p = new PipeParser(lex, name, tok.line);
          const pipe = p.pipeline('command');
          if (!p.done()) throw err('unexpected ")" in command');
          nodes.push({ kind: 'action', pipe });
        }
      }
    }
    if (inBlock) throw new TemplateError(`template: ${name}: unexpected EOF`);
    return { nodes, stop: 'eof', elseTail: '' };
  }

  function parseBlock(kw: string): { then: Node[]; else: Node[] } {
    const first = parseList(kw);
    if (first.stop === 'end') return { then: first.nodes, else: [] };
    if (first.stop !== 'else') throw new TemplateError(`template: ${name}: unexpected EOF`);
    // `{{else if x}}` / `{{else with x}}` nest a block that shares our {{end}}.
    const tailKw = /^(if|with)\b/.exec(first.elseTail)?.[1];
    if (tailKw) {
      const lex = lexAction(first.elseTail, name, 0);
      const rest = new PipeParser(lex.slice(1), name, 0);
      const pipe = rest.pipeline(tailKw, tailKw !== 'if');
      const block = parseBlock(tailKw);
      return { then: first.nodes, else: [{ kind: tailKw as 'if' | 'with', pipe, then: block.then, else: block.else }] };
    }
    const second = parseList(kw);
    if (second.stop !== 'end') throw new TemplateError(`template: ${name}: expected end; found else`);
    return { then: first.nodes, else: second.nodes };
  }

  const main = parseList(null);
  return { name, root: main.nodes, defines };
}
