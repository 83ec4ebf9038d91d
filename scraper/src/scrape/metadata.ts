/**
 * Metric metadata (TYPE, HELP, UNIT per metric family) as Prometheus's scrape cache keeps it: per target,
 * taken from the target's last successful scrape, and merged across targets for `/api/v1/metadata`.
 */
import type { MetricMetadata, MetricType } from '@hlmon/model';

/** Metadata of one target's exposition: family name → metadata. */
export type TargetMetadata = ReadonlyMap<string, MetricMetadata>;

/** Metadata of a target never scraped successfully. */
export const EMPTY_METADATA: TargetMetadata = new Map();

const TYPE = 0, HELP = 1, UNIT = 2;

/**
 * Builds one target's metadata while its exposition is parsed, entry by entry. A target sends the same
 * metadata lines scrape after scrape: the lines are compared with the previous collector's in order, and
 * when all match the previous result is returned as it is, without building a map.
 */
export class MetadataCollector {
  /** The lines seen: kind, name, value, kind, name, value, ... */
  private readonly lines: (number | string)[] = [];
  /** True while every line so far equals the previous collector's line at the same position. */
  private same: boolean;
  private built: Map<string, MetricMetadata> | undefined;

  constructor(private previous?: MetadataCollector) {
    this.same = previous !== undefined;
  }

  /** Records a `# TYPE` line. Prometheus's API calls the text format's `untyped` `unknown`. */
  type(name: string, type: MetricType): void {
    this.line(TYPE, name, type === 'untyped' ? 'unknown' : type);
  }

  /** Records a `# HELP` line. */
  help(name: string, help: string): void {
    this.line(HELP, name, help);
  }

  /** Records a `# UNIT` line (OpenMetrics). */
  unit(name: string, unit: string): void {
    this.line(UNIT, name, unit);
  }

  /**
   * Ends collecting: computes the result and lets go of the previous collector (a target's collectors
   * would otherwise form a chain back to its first scrape).
   */
  finish(): this {
    this.result();
    this.previous = undefined;
    return this;
  }

  /** The metadata collected. */
  result(): TargetMetadata {
    if (this.built === undefined) {
      const prev = this.previous;
      if (this.same && prev !== undefined && prev.lines.length === this.lines.length) {
        this.built = prev.result() as Map<string, MetricMetadata>;
      } else {
        this.built = build(this.lines);
      }
    }
    return this.built;
  }

  private line(kind: number, name: string, value: string): void {
    const l = this.lines;
    const i = l.length;
    if (this.same) {
      const p = this.previous!.lines;
      this.same = i + 2 < p.length && p[i] === kind && p[i + 1] === name && p[i + 2] === value;
    }
    l.push(kind, name, value);
  }
}

function build(lines: readonly (number | string)[]): Map<string, MetricMetadata> {
  const entries = new Map<string, { type: MetricType; help: string; unit: string }>();
  for (let i = 0; i < lines.length; i += 3) {
    const name = lines[i + 1] as string;
    let e = entries.get(name);
    if (e === undefined) {
      // A family with HELP but no TYPE is `unknown`, as in Prometheus's scrape cache.
      e = { type: 'unknown', help: '', unit: '' };
      entries.set(name, e);
    }
    const value = lines[i + 2] as string;
    if (lines[i] === TYPE) e.type = value as MetricType;
    else if (lines[i] === HELP) e.help = value;
    else e.unit = value;
  }
  return entries;
}

/**
 * Merges the metadata of many targets: per metric name, each distinct (type, help, unit) once, in the
 * order first seen — what Prometheus's `/api/v1/metadata` returns.
 */
export function mergeMetadata(targets: Iterable<TargetMetadata>): Map<string, MetricMetadata[]> {
  const out = new Map<string, MetricMetadata[]>();
  const seen = new Set<string>();
  for (const target of targets) {
    for (const [name, md] of target) {
      const id = `${name}\u0000${md.type}\u0000${md.help}\u0000${md.unit}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const list = out.get(name);
      const entry = { type: md.type, help: md.help, unit: md.unit };
      if (list) list.push(entry);
      else out.set(name, [entry]);
    }
  }
  return out;
}
