/**
 * A small metric family builder and text renderer.
 *
 * The exporter does not use prom-client on the hot path: every scrape builds fresh families from /proc and
 * /sys reads, so a registry of long-lived metric objects would only add allocation and bookkeeping. This
 * writer collects families in insertion order and renders either the Prometheus text format 0.0.4 or
 * OpenMetrics 1.0.0.
 */
import { formatGoFloat } from '@hlmon/model';

/** The metric types of the Prometheus text format. */
export type MetricType = 'counter' | 'gauge' | 'untyped' | 'summary' | 'histogram';

/** Label pairs of one sample, in the order they should be written. */
export type LabelPairs = Readonly<Record<string, string>>;

/** One sample of a family: optional name suffix (e.g. `_bucket`), labels and value. */
export interface Sample {
  readonly suffix: string;
  readonly labels: LabelPairs | undefined;
  readonly value: number;
}

/** A metric family: name, type, help text and samples. */
export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly samples: Sample[];
  /**
   * Sample lines already rendered (by `sampleLines`), written after `samples`: what a collector worker
   * thread sends for its families, since a string crosses threads far cheaper than sample objects.
   */
  rendered?: string;
}

/** True when a family has something to write. */
function hasSamples(f: MetricFamily): boolean {
  return f.samples.length > 0 || (f.rendered !== undefined && f.rendered !== '');
}

/** Collects metric families; a collector writes into one of these. */
export class MetricWriter {
  private readonly families = new Map<string, MetricFamily>();

  /**
   * Returns the family called `name`, creating it on first use. A second call with the same name adds to
   * the same family, so a collector can emit one family from several places.
   */
  family(name: string, type: MetricType, help: string): MetricFamily {
    let family = this.families.get(name);
    if (family === undefined) {
      family = { name, type, help, samples: [] };
      this.families.set(name, family);
    }
    return family;
  }

  /** Adds one gauge sample. */
  gauge(name: string, help: string, value: number, labels?: LabelPairs): void {
    this.family(name, 'gauge', help).samples.push({ suffix: '', labels, value });
  }

  /** Adds one counter sample. */
  counter(name: string, help: string, value: number, labels?: LabelPairs): void {
    this.family(name, 'counter', help).samples.push({ suffix: '', labels, value });
  }

  /** Adds one untyped sample (node_exporter exports e.g. vmstat and conntrack stats untyped). */
  untyped(name: string, help: string, value: number, labels?: LabelPairs): void {
    this.family(name, 'untyped', help).samples.push({ suffix: '', labels, value });
  }

  /** All families in insertion order. */
  all(): IterableIterator<MetricFamily> {
    return this.families.values();
  }

  /** Number of samples over all families. */
  sampleCount(): number {
    let n = 0;
    for (const f of this.families.values()) n += f.samples.length;
    return n;
  }

  /** Adds one family, appending its samples when a family of that name is already here. */
  absorbFamily(f: MetricFamily): void {
    const mine = this.families.get(f.name);
    if (mine === undefined) this.families.set(f.name, f);
    else {
      for (const s of f.samples) mine.samples.push(s);
      if (f.rendered !== undefined) mine.rendered = (mine.rendered ?? '') + f.rendered;
    }
  }

  /**
   * Moves every family of `other` into this writer. Samples of a family that already exists here are
   * appended to it; its type and help stay the first ones seen, as a scrape may hold each family once.
   */
  absorb(other: MetricWriter): void {
    for (const f of other.all()) this.absorbFamily(f);
  }
}

/** Formats a float as Go's Prometheus client does (`2.4592105472e+10`, `+Inf`, `NaN`), like node_exporter. */
export const formatValue: (value: number) => string = formatGoFloat;

function escapeLabelValue(value: string): string {
  // Only three characters need escaping in label values; testing first keeps the common case free.
  if (!/[\\\n"]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(help: string): string {
  if (!/[\\\n]/.test(help)) return help;
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatLabels(labels: LabelPairs | undefined): string {
  if (labels === undefined) return '';
  let out = '';
  for (const name in labels) {
    out += (out === '' ? '{' : ',') + name + '="' + escapeLabelValue(labels[name]!) + '"';
  }
  return out === '' ? '' : out + '}';
}

/** Families sorted by name, as node_exporter writes them (Prometheus does not require it; people diff it). */
function sortedFamilies(families: Iterable<MetricFamily>): MetricFamily[] {
  return [...families].filter(hasSamples).sort(byName);
}

function byName(a: MetricFamily, b: MetricFamily): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** What a RenderCache remembers of one family name. */
interface KnownFamily {
  /** Position of the name in the last fully sorted scrape. */
  rank: number;
  type: MetricType;
  help: string;
  /** The HELP and TYPE lines for that type and help. */
  header: string;
}

/**
 * What renderText keeps across scrapes for a caller that renders repeatedly (the exporter): the HELP and
 * TYPE lines of every family, and each name's position in sorted order. A scrape has the same two hundred
 * families as the one before, so they are placed by their remembered positions (one pass, no string
 * comparisons) and only a scrape with a name not seen in the last sort is sorted afresh.
 */
export class RenderCache {
  readonly families = new Map<string, KnownFamily>();
  /** Number of names ranked by the last full sort. */
  ranked = 0;
}

/** `families` (non-empty ones) in name order, by the ranks of the last sort when they cover every name. */
function sortedByRank(families: Iterable<MetricFamily>, cache: RenderCache): MetricFamily[] {
  const slots: Array<MetricFamily | undefined> = new Array(cache.ranked);
  let placed = 0;
  let complete = true;
  const present: MetricFamily[] = [];
  for (const f of families) {
    if (!hasSamples(f)) continue;
    present.push(f);
    if (!complete) continue;
    const rank = cache.families.get(f.name)?.rank ?? -1;
    // A new name, or a name twice (two writers rendered together): the remembered order cannot place it.
    if (rank < 0 || slots[rank] !== undefined) complete = false;
    else {
      slots[rank] = f;
      placed++;
    }
  }
  if (complete) {
    const sorted: MetricFamily[] = new Array(placed);
    let i = 0;
    for (const f of slots) if (f !== undefined) sorted[i++] = f;
    return sorted;
  }
  present.sort(byName);
  // Families come and go with textfiles and containers: the cache keeps the names of this scrape only.
  for (const known of cache.families.values()) known.rank = -1;
  let rank = 0;
  for (const f of present) {
    const known = cache.families.get(f.name);
    if (known === undefined) cache.families.set(f.name, { rank, type: f.type, help: f.help, header: familyHeader(f) });
    else if (known.rank < 0) known.rank = rank;
    rank++;
  }
  for (const [name, known] of cache.families) if (known.rank < 0) cache.families.delete(name);
  cache.ranked = rank;
  return present;
}

function familyHeader(f: MetricFamily): string {
  return `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
}

/** Renders families in the Prometheus text exposition format, version 0.0.4. */
export function renderText(families: Iterable<MetricFamily>, cache: RenderCache = new RenderCache()): string {
  // One growing string: V8 builds it as a rope and flattens it once when it is written to the socket,
  // which allocates less than collecting a few thousand parts and joining them.
  let text = '';
  // Collectors share one label object among all samples of a device; it is formatted once per render.
  const formatted = new Map<LabelPairs, string>();
  for (const f of sortedByRank(families, cache)) {
    const known = cache.families.get(f.name)!;
    // A textfile family may change its type or help between scrapes; its header follows.
    if (known.type !== f.type || known.help !== f.help) {
      known.type = f.type;
      known.help = f.help;
      known.header = familyHeader(f);
    }
    text += known.header + sampleLines(f, formatted);
  }
  return text;
}

/**
 * The sample lines of a family, the same in the text format and OpenMetrics. `formatted` keeps label
 * strings by label object for one render: collectors share one label object among a device's samples.
 */
export function sampleLines(f: MetricFamily, formatted: Map<LabelPairs, string> = new Map()): string {
  let text = '';
  const prefix = f.name;
  for (const s of f.samples) {
    let labels = '';
    if (s.labels !== undefined) {
      const known = formatted.get(s.labels);
      if (known === undefined) {
        labels = formatLabels(s.labels);
        formatted.set(s.labels, labels);
      } else {
        labels = known;
      }
    }
    text += prefix + s.suffix + labels + ' ' + formatValue(s.value) + '\n';
  }
  return f.rendered === undefined ? text : text + f.rendered;
}

/**
 * Renders families in the OpenMetrics 1.0.0 text format. Counter families are declared without their
 * `_total` suffix as the format requires; a counter whose name lacks `_total` (possible in textfiles) is
 * declared `unknown` so the output stays valid.
 */
export function renderOpenMetrics(families: Iterable<MetricFamily>): string {
  const parts: string[] = [];
  for (const f of sortedFamilies(families)) {
    let declared = f.name;
    let type: string = f.type;
    if (f.type === 'untyped') type = 'unknown';
    if (f.type === 'counter') {
      if (f.name.endsWith('_total')) declared = f.name.slice(0, -'_total'.length);
      else type = 'unknown';
    }
    parts.push(`# TYPE ${declared} ${type}\n# HELP ${declared} ${escapeHelp(f.help).replace(/"/g, '\\"')}\n`);
    parts.push(sampleLines(f));
  }
  parts.push('# EOF\n');
  return parts.join('');
}
