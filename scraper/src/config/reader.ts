/**
 * A small reader over the `yaml` package's document nodes that records every problem with its file,
 * line, column and key path instead of stopping at the first one, and reports keys nobody asked for
 * (Prometheus's strict YAML: a typo must not be silently ignored).
 */
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import { parseBytes, parseDurationMs } from './duration.js';

/** One configuration error with its position. */
export interface ConfigError {
  /** The file the error is in. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The dotted key path, e.g. `scrape_configs[0].scrape_interval`. */
  readonly key: string;
  /** What is wrong. */
  readonly message: string;
}

/** Formats an error as `file:line:col: key: message`. */
export function formatConfigError(e: ConfigError): string {
  return `${e.file}:${e.line}:${e.column}: ${e.key === '' ? '' : e.key + ': '}${e.message}`;
}

/** Collects errors for one file and substitutes `${ENV}` references in scalar strings. */
export class ConfigContext {
  /** Errors so far. */
  readonly errors: ConfigError[] = [];

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  /** Records an error at a node (or at the start of the file when there is no node). */
  error(node: Node | null | undefined, key: string, message: string): void {
    const offset = node?.range?.[0] ?? 0;
    const pos = this.lines.linePos(offset);
    this.errors.push({ file: this.file, line: pos.line, column: pos.col, key, message });
  }

  /** Records an error at a raw offset. */
  errorAt(offset: number, key: string, message: string): void {
    const pos = this.lines.linePos(offset);
    this.errors.push({ file: this.file, line: pos.line, column: pos.col, key, message });
  }

  /**
   * Replaces `${NAME}` with the environment variable's value; `$$` stands for a literal `$`. An unset
   * variable is an error, because an empty password or URL would fail much later and far less clearly.
   */
  expand(text: string, node: Node, key: string): string {
    if (!text.includes('$')) return text;
    return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (all, name: string | undefined) => {
      if (name === undefined) return '$';
      const v = this.env[name];
      if (v === undefined) {
        this.error(node, key, `environment variable ${name} is not set`);
        return '';
      }
      return v;
    });
  }

  /** Position of a node as a `{ line, column }` pair. */
  position(node: Node | null | undefined): { line: number; column: number } {
    const pos = this.lines.linePos(node?.range?.[0] ?? 0);
    return { line: pos.line, column: pos.col };
  }
}

function describe(node: unknown): string {
  if (node == null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'null' : `${typeof node.value} ${JSON.stringify(node.value)}`;
  return 'an unknown node';
}

/**
 * Reads one YAML mapping. Each accessor marks its key as known; `done()` reports every other key.
 * Accessors return the default (or undefined) after recording an error, so reading goes on.
 */
export class MapReader {
  private readonly pairs = new Map<string, Pair<Node, Node | null>>();
  private readonly known = new Set<string>();

  constructor(
    readonly ctx: ConfigContext,
    readonly node: Node | null | undefined,
    readonly path: string,
  ) {
    if (node == null || (isScalar(node) && node.value === null)) return;
    if (!isMap(node)) {
      ctx.error(node, path, `expected a mapping, got ${describe(node)}`);
      return;
    }
    for (const pair of (node as YAMLMap<Node, Node | null>).items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      if (this.pairs.has(k)) ctx.error(pair.key, this.keyPath(k), 'duplicate key');
      this.pairs.set(k, pair);
    }
  }

  /** The key path of a child key. */
  keyPath(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  /** True when the key is present (and not null). */
  has(key: string): boolean {
    this.known.add(key);
    const v = this.pairs.get(key)?.value;
    return v != null && !(isScalar(v) && v.value === null);
  }

  /** The raw value node of a key. */
  raw(key: string): Node | undefined {
    this.known.add(key);
    const v = this.pairs.get(key)?.value;
    return v == null || (isScalar(v) && v.value === null) ? undefined : v;
  }

  /** The key node, for positioning errors about the key itself. */
  keyNode(key: string): Node | undefined {
    return this.pairs.get(key)?.key ?? undefined;
  }

  /** A string value (numbers and booleans are accepted and converted, as Go's YAML does). */
  str(key: string): string | undefined;
  str(key: string, def: string): string;
  str(key: string, def: string, expandEnv: boolean): string;
  str(key: string, def?: string, expandEnv = true): string | undefined {
    const n = this.raw(key);
    if (n === undefined) return def;
    if (!isScalar(n) || typeof n.value === 'object') {
      this.ctx.error(n, this.keyPath(key), `expected a string, got ${describe(n)}`);
      return def;
    }
    return expandEnv ? this.ctx.expand(String(n.value), n, this.keyPath(key)) : String(n.value);
  }

  /** A boolean value. */
  bool(key: string, def: boolean): boolean {
    const n = this.raw(key);
    if (n === undefined) return def;
    if (!isScalar(n) || typeof n.value !== 'boolean') {
      this.ctx.error(n, this.keyPath(key), `expected true or false, got ${describe(n)}`);
      return def;
    }
    return n.value;
  }

  /** A non-negative integer. */
  int(key: string, def: number): number {
    const n = this.raw(key);
    if (n === undefined) return def;
    const v = isScalar(n) ? n.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      this.ctx.error(n, this.keyPath(key), `expected a non-negative integer, got ${describe(n)}`);
      return def;
    }
    return v;
  }

  /** A duration such as `15s`, in milliseconds. */
  durationMs(key: string, def: number): number {
    const s = this.str(key);
    if (s === undefined) return def;
    try {
      return parseDurationMs(s);
    } catch (e) {
      this.ctx.error(this.raw(key), this.keyPath(key), (e as Error).message);
      return def;
    }
  }

  /** A byte size such as `10MB`. */
  bytes(key: string, def: number): number {
    const s = this.str(key);
    if (s === undefined) return def;
    try {
      return parseBytes(s);
    } catch (e) {
      this.ctx.error(this.raw(key), this.keyPath(key), (e as Error).message);
      return def;
    }
  }

  /** A nested mapping reader (reading an absent key gives an empty reader). */
  map(key: string): MapReader {
    return new MapReader(this.ctx, this.raw(key), this.keyPath(key));
  }

  /** A list, each item handed to `each` with its node and path. */
  list<T>(key: string, each: (node: Node, path: string) => T | undefined): T[] {
    const n = this.raw(key);
    if (n === undefined) return [];
    if (!isSeq(n)) {
      this.ctx.error(n, this.keyPath(key), `expected a list, got ${describe(n)}`);
      return [];
    }
    const out: T[] = [];
    n.items.forEach((item, i) => {
      const v = each(item as Node, `${this.keyPath(key)}[${i}]`);
      if (v !== undefined) out.push(v);
    });
    return out;
  }

  /** A list of strings. */
  strings(key: string): string[] {
    return this.list(key, (node, path) => scalarString(this.ctx, node, path));
  }

  /** A string-to-string mapping (label sets, headers). */
  stringMap(key: string): Record<string, string> {
    const m = this.map(key);
    const out: Record<string, string> = {};
    for (const k of m.keys()) {
      const v = m.str(k);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  /** Every key present. */
  keys(): string[] {
    return [...this.pairs.keys()];
  }

  /** Reports keys that no accessor asked for. */
  done(): void {
    for (const [k, pair] of this.pairs) {
      if (!this.known.has(k)) this.ctx.error(pair.key, this.keyPath(k), `unknown key "${k}"`);
    }
  }
}

/** Reads a scalar node as a string with `${ENV}` substitution, recording an error otherwise. */
export function scalarString(ctx: ConfigContext, node: Node, path: string): string | undefined {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
    ctx.error(node, path, `expected a string, got ${describe(node)}`);
    return undefined;
  }
  return ctx.expand(String(node.value), node, path);
}
