/**
 * Metric metadata (TYPE, HELP, UNIT per metric family) as Prometheus's scrape cache keeps it: per target,
 * taken from the target's last successful scrape, and merged across targets for `/api/v1/metadata`.
 */
import type { MetricMetadata, MetricType } from '@hlmon/model';

/** Metadata of one target's exposition: family name → metadata. */
export type TargetMetadata = ReadonlyMap<string, MetricMetadata>;

/** Builds one target's metadata while its exposition is parsed, entry by entry. */
export class MetadataCollector {
  private readonly entries = new Map<string, { type: MetricType; help: string; unit: string }>();

  /** Records a `# TYPE` line. Prometheus's API calls the text format's `untyped` `unknown`. */
  type(name: string, type: MetricType): void {
    this.entry(name).type = type === 'untyped' ? 'unknown' : type;
  }

  /** Records a `# HELP` line. */
  help(name: string, help: string): void {
    this.entry(name).help = help;
  }

  /** Records a `# UNIT` line (OpenMetrics). */
  unit(name: string, unit: string): void {
    this.entry(name).unit = unit;
  }

  /** The metadata collected. */
  result(): TargetMetadata {
    return this.entries;
  }

  private entry(name: string): { type: MetricType; help: string; unit: string } {
    let e = this.entries.get(name);
    if (e === undefined) {
      // A family with HELP but no TYPE is `unknown`, as in Prometheus's scrape cache.
      e = { type: 'unknown', help: '', unit: '' };
      this.entries.set(name, e);
    }
    return e;
  }
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
