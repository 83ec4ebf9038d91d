/**
 * Labels: a sorted, immutable set of label pairs with a canonical string key.
 *
 * Series identity in hlmon is the full label set including `__name__`, as in Prometheus. The canonical key
 * is what the store's unique index is built on, so its format is part of the storage contract: change it
 * only with a migration.
 */

/** The label that holds the metric name. */
export const METRIC_NAME = '__name__';

/** One label: a name and a value. */
export interface Label {
  readonly name: string;
  readonly value: string;
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** True when `name` is a valid (legacy, ASCII) Prometheus label name. */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME_RE.test(name);
}

/** True when `name` is a valid (legacy, ASCII) Prometheus metric name. */
export function isValidMetricName(name: string): boolean {
  return METRIC_NAME_RE.test(name);
}

function compareStrings(a: string, b: string): number {
  // Prometheus sorts by byte order of UTF-8; for the ASCII label names this is code-unit order.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * An immutable, sorted label set. Empty values are dropped on construction, because in Prometheus a
 * label with an empty value is the same as an absent label.
 */
export class Labels implements Iterable<Label> {
  /** The empty label set. */
  static readonly EMPTY = new Labels([]);

  private readonly list: readonly Label[];
  private cachedKey: string | undefined;
  private cachedHash: number | undefined;

  private constructor(sorted: readonly Label[]) {
    this.list = sorted;
  }

  /** Builds a label set from an object, a Map or a list of pairs; later duplicates win. */
  static from(input: Record<string, string> | Iterable<readonly [string, string]> | Iterable<Label>): Labels {
    const map = new Map<string, string>();
    if (isIterable(input)) {
      for (const item of input as Iterable<unknown>) {
        if (Array.isArray(item)) map.set(item[0] as string, item[1] as string);
        else { const l = item as Label; map.set(l.name, l.value); }
      }
    } else {
      for (const [k, v] of Object.entries(input)) map.set(k, v);
    }
    return Labels.fromMap(map);
  }

  /** Builds a label set from a Map (the map is not retained). */
  static fromMap(map: ReadonlyMap<string, string>): Labels {
    const list: Label[] = [];
    for (const [name, value] of map) if (value !== '') list.push({ name, value });
    list.sort((a, b) => compareStrings(a.name, b.name));
    return new Labels(list);
  }

  /**
   * Builds a label set from pairs already sorted by name with unique names and no empty values.
   * The caller vouches for that; it is the fast path for parsers and the store.
   */
  static fromSortedUnchecked(list: readonly Label[]): Labels {
    return new Labels(list);
  }

  /** Parses a canonical key (as produced by `key`) back into labels. */
  static fromKey(key: string): Labels {
    if (key === '') return Labels.EMPTY;
    const list: Label[] = [];
    let i = 0;
    while (i < key.length) {
      const eq = key.indexOf('=', i);
      if (eq < 0) throw new Error(`invalid label key at ${i}: ${key}`);
      const name = key.slice(i, eq);
      // The value is a JSON string: find its closing quote, skipping escapes.
      let j = eq + 2;
      while (j < key.length && key[j] !== '"') j += key[j] === '\\' ? 2 : 1;
      const value = JSON.parse(key.slice(eq + 1, j + 1)) as string;
      list.push({ name, value });
      i = j + 2; // skip closing quote and comma
    }
    return new Labels(list);
  }

  /** Number of labels. */
  get size(): number {
    return this.list.length;
  }

  /** The metric name (`__name__`), or '' when absent. */
  get metricName(): string {
    return this.get(METRIC_NAME);
  }

  /** The value of `name`, or '' when absent (Prometheus semantics). */
  get(name: string): string {
    for (const l of this.list) if (l.name === name) return l.value;
    return '';
  }

  /** True when `name` is present. */
  has(name: string): boolean {
    for (const l of this.list) if (l.name === name) return true;
    return false;
  }

  /**
   * The canonical key: `name="value"` pairs, sorted by name, joined by commas, values JSON-quoted.
   * Unambiguous because label names cannot contain `=` or `,`.
   */
  get key(): string {
    if (this.cachedKey === undefined) {
      let s = '';
      for (let i = 0; i < this.list.length; i++) {
        const l = this.list[i]!;
        if (i > 0) s += ',';
        s += l.name + '=' + JSON.stringify(l.value);
      }
      this.cachedKey = s;
    }
    return this.cachedKey;
  }

  /** A 32-bit hash of the canonical key, stable across processes (FNV-1a). */
  get hash(): number {
    if (this.cachedHash === undefined) this.cachedHash = fnv1a32(this.key);
    return this.cachedHash;
  }

  /** True when both sets hold the same pairs. */
  equals(other: Labels): boolean {
    if (this === other) return true;
    if (this.list.length !== other.list.length) return false;
    for (let i = 0; i < this.list.length; i++) {
      const a = this.list[i]!, b = other.list[i]!;
      if (a.name !== b.name || a.value !== b.value) return false;
    }
    return true;
  }

  /** A copy with `name` set to `value` (removed when `value` is ''). */
  with(name: string, value: string): Labels {
    const b = this.builder();
    b.set(name, value);
    return b.labels();
  }

  /** A copy without the given names. */
  without(...names: string[]): Labels {
    const drop = new Set(names);
    return new Labels(this.list.filter((l) => !drop.has(l.name)));
  }

  /** A copy that keeps only the given names. */
  only(...names: string[]): Labels {
    const keep = new Set(names);
    return new Labels(this.list.filter((l) => keep.has(l.name)));
  }

  /** A mutable builder seeded with these labels. */
  builder(): LabelsBuilder {
    return new LabelsBuilder(this);
  }

  /** The labels as a plain object (insertion order = sorted order). */
  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    for (const l of this.list) o[l.name] = l.value;
    return o;
  }

  /** The label pairs, sorted by name. */
  toArray(): readonly Label[] {
    return this.list;
  }

  [Symbol.iterator](): Iterator<Label> {
    return this.list[Symbol.iterator]();
  }

  /** Prometheus's notation: `name{a="b", c="d"}`. */
  toString(): string {
    const name = this.metricName;
    const rest = this.list.filter((l) => l.name !== METRIC_NAME).map((l) => `${l.name}=${JSON.stringify(l.value)}`);
    if (rest.length === 0) return name === '' ? '{}' : name;
    return `${name}{${rest.join(', ')}}`;
  }
}

/** Mutable companion of Labels for building many changes at once (relabeling, rule labels). */
export class LabelsBuilder {
  private readonly map: Map<string, string>;

  constructor(base: Labels = Labels.EMPTY) {
    this.map = new Map();
    for (const l of base) this.map.set(l.name, l.value);
  }

  /** Sets a label; '' deletes it. */
  set(name: string, value: string): this {
    if (value === '') this.map.delete(name);
    else this.map.set(name, value);
    return this;
  }

  /** Deletes labels. */
  del(...names: string[]): this {
    for (const n of names) this.map.delete(n);
    return this;
  }

  /** The current value of a label, or ''. */
  get(name: string): string {
    return this.map.get(name) ?? '';
  }

  /** Names currently set. */
  names(): string[] {
    return [...this.map.keys()];
  }

  /** The finished, sorted label set. */
  labels(): Labels {
    return Labels.fromMap(this.map);
  }
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return x != null && typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function';
}

/** FNV-1a over UTF-16 code units, 32-bit. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
