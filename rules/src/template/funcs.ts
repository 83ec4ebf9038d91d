/** The function map of Prometheus templates: Go's builtins plus Prometheus's own (template/template.go). */
import { TemplateError } from './parse.js';
import { goType, isTrue, printValue, type TemplateFunc } from './exec.js';
import { sprintf } from './printf.js';
import { humanize, humanize1024, humanizeDuration, humanizePercentage, humanizeTimestamp, toFloat, goTimeString } from './humanize.js';
import { parseDuration } from '../duration.js';

/** One element of a `query` result as templates see it: Go's `sample` struct. */
export interface TemplateSample {
  Labels: Record<string, string>;
  Value: number;
}

/** Runs a PromQL instant query for templates; returns the vector (a scalar becomes one sample without labels). */
export type TemplateQueryFn = (expr: string) => Promise<TemplateSample[]>;

function kind(v: unknown): string {
  return goType(v);
}

function compare(op: string, a: unknown, b: unknown): number {
  if (a === null || b === null) {
    if (op === 'eq' || op === 'ne') return a === b ? 0 : 1;
    throw new Error('invalid type for comparison');
  }
  const ka = kind(a), kb = kind(b);
  if (ka !== kb) throw new Error('incompatible types for comparison');
  if (typeof a === 'boolean' || Array.isArray(a) || typeof a === 'object') {
    if (op === 'eq' || op === 'ne') return a === b ? 0 : 1;
    throw new Error('invalid type for comparison');
  }
  const x = a as string | number | bigint, y = b as string | number | bigint;
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
}

/** Go's strings.Title: upper-cases the first letter of every word. */
export function goTitle(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = !/[\p{L}\p{N}_]/u.test(prev) && !/^[\p{L}\p{N}_]$/u.test(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

/** Converts Go's regexp replacement syntax ($1, ${1}, ${name}) to JavaScript's. */
function goReplacement(repl: string): string {
  return repl.replace(/\$\$|\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)/g, (m, braced: string | undefined, bare: string | undefined) => {
    if (m === '$$') return '$$';
    const name = (braced ?? bare)!;
    return /^\d+$/.test(name) ? `$${name}` : `$<${name}>`;
  });
}

/** Compiles an RE2 pattern as JavaScript, translating a leading (?i) / (?s) flag group. */
function goRegex(pattern: string, extraFlags = ''): RegExp {
  let flags = extraFlags;
  const m = /^\(\?([imsU]+)\)/.exec(pattern);
  if (m) {
    pattern = pattern.slice(m[0].length);
    for (const f of m[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  try { return new RegExp(pattern, flags + 'u'); }
  catch { return new RegExp(pattern, flags); }
}

function sprint(args: unknown[], ln: boolean): string {
  let s = '';
  for (let i = 0; i < args.length; i++) {
    const isStr = typeof args[i] === 'string';
    if (i > 0 && (ln || (!isStr && typeof args[i - 1] !== 'string'))) s += ' ';
    s += printValue(args[i]);
  }
  return ln ? s + '\n' : s;
}

/** Options for the Prometheus function map. */
export interface FuncOptions {
  /** Runs `query`; without it `query` fails. */
  query?: TemplateQueryFn;
  /** The value of `externalURL`. */
  externalURL?: string;
}

/** Builds the function map for one expansion. */
export function templateFuncs(opts: FuncOptions = {}): Record<string, TemplateFunc> {
  const externalURL = opts.externalURL ?? '';
  return {
    and: () => undefined, // handled lazily by the executor
    or: () => undefined,
    not: (v) => !isTrue(v),
    len: (v) => {
      if (typeof v === 'string') return BigInt(Buffer.byteLength(v));
      if (Array.isArray(v)) return BigInt(v.length);
      if (v && typeof v === 'object') return BigInt(Object.keys(v).length);
      throw new Error(`len of type ${goType(v)}`);
    },
    index: (v, ...keys) => {
      let cur = v;
      for (const k of keys) {
        if (Array.isArray(cur)) {
          const i = Number(k);
          if (typeof k !== 'bigint' || i < 0 || i >= cur.length) throw new Error(`index out of range: ${printValue(k)}`);
          cur = cur[i];
        } else if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[String(k)] ?? '';
        else throw new Error(`can't index item of type ${goType(cur)}`);
      }
      return cur;
    },
    slice: (v, ...idx) => {
      const n = idx.map(Number);
      if (typeof v === 'string' || Array.isArray(v)) return v.slice(n[0] ?? 0, n[1]);
      throw new Error(`can't slice item of type ${goType(v)}`);
    },
    print: (...a) => sprint(a, false),
    println: (...a) => sprint(a, true),
    printf: (fmt, ...a) => sprintf(String(fmt), a),
    html: (...a) => sprint(a, false).replace(/[&<>"'\0]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;', '\0': '\uFFFD' })[c]!),
    js: (...a) => sprint(a, false).replace(/[\\'"<>&=]/g, (c) => (c === '\\' ? '\\\\' : c === "'" ? "\\'" : c === '"' ? '\\"' : '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0'))),
    urlquery: (...a) => encodeURIComponent(sprint(a, false)).replace(/%20/g, '+'),
    eq: (a, ...bs) => {
      if (bs.length === 0) throw new Error('missing argument for comparison');
      return bs.some((b) => compare('eq', a, b) === 0);
    },
    ne: (a, b) => compare('ne', a, b) !== 0,
    lt: (a, b) => compare('lt', a, b) < 0,
    le: (a, b) => compare('le', a, b) <= 0,
    gt: (a, b) => compare('gt', a, b) > 0,
    ge: (a, b) => compare('ge', a, b) >= 0,
    call: () => { throw new Error('call is not supported'); },

    query: async (q) => {
      if (!opts.query) throw new Error('query is not available in this context');
      return opts.query(String(q));
    },
    first: (v) => {
      if (Array.isArray(v) && v.length > 0) return v[0];
      throw new Error('first() called on vector with no elements');
    },
    label: (name, s) => ((s as TemplateSample | null)?.Labels ?? {})[String(name)] ?? '',
    value: (s) => (s as TemplateSample).Value,
    strvalue: (s) => ((s as TemplateSample).Labels ?? {})['__value__'] ?? '',
    args: (...a) => Object.fromEntries(a.map((v, i) => [`arg${i}`, v])),
    reReplaceAll: (pattern, repl, text) => String(text).replace(goRegex(String(pattern), 'g'), goReplacement(String(repl))),
    safeHtml: (s) => String(s),
    match: (pattern, s) => goRegex(String(pattern)).test(String(s)),
    title: (s) => goTitle(String(s)),
    toUpper: (s) => String(s).toUpperCase(),
    toLower: (s) => String(s).toLowerCase(),
    graphLink: (expr) => `/graph?g0.expr=${encodeURIComponent(String(expr))}&g0.tab=0`,
    tableLink: (expr) => `/graph?g0.expr=${encodeURIComponent(String(expr))}&g0.tab=1`,
    sortByLabel: (label, v) => [...(v as TemplateSample[])].sort((a, b) => {
      const x = a.Labels[String(label)] ?? '', y = b.Labels[String(label)] ?? '';
      return x < y ? -1 : x > y ? 1 : 0;
    }),
    humanize: (v) => humanize(v),
    humanize1024: (v) => humanize1024(v),
    humanizeDuration: (v) => humanizeDuration(v),
    humanizePercentage: (v) => humanizePercentage(v),
    humanizeTimestamp: (v) => humanizeTimestamp(v),
    toTime: (v) => ({ goString: () => goTimeString(toFloat(v)) }),
    pathPrefix: () => { try { return new URL(externalURL).pathname.replace(/\/$/, ''); } catch { return ''; } },
    externalURL: () => externalURL,
    stripPort: (hostPort) => {
      const s = String(hostPort);
      const m = /^\[(.*)\](:\d*)?$/.exec(s);
      if (m) return m[1]!;
      const i = s.lastIndexOf(':');
      return i >= 0 && s.indexOf(':') === i ? s.slice(0, i) : s;
    },
    stripDomain: (hostPort) => {
      const s = String(hostPort);
      const m = /^([^.:]+)[^:]*(:\d+)?$/.exec(s);
      return m && !/^\d+\.\d+\.\d+\.\d+/.test(s) ? m[1]! + (m[2] ?? '') : s;
    },
    parseDuration: (s) => parseDuration(String(s)) / 1000,
  };
}

export { TemplateError };
