/**
 * Metric families: the whole-document view of an exposition text, built on the pull parser.
 *
 * The scraper uses `TextParser` directly; this view is for tests, tools, the writer and the API's
 * `/metadata` (which needs TYPE, HELP and UNIT per family).
 */
import type { Label, Labels } from './labels.js';
import { TextParser, type MetricType, type TextFormat } from './text-parser.js';

/** One sample of a family: its full label set (`__name__` included), value and optional timestamp. */
export interface FamilySample {
  readonly labels: Labels;
  readonly value: number;
  /** Milliseconds since the epoch, when the exposition gave one. */
  readonly timestampMs?: number;
  /**
   * The label pairs as the text exposed them (order kept, empty values kept, `__name__` excluded);
   * set by `parseAll` so that `writeText` can reproduce a document. Absent for samples built in code.
   */
  readonly exposedLabels?: readonly Label[];
}

/** A metric family: metadata and the samples that belong to it, in document order. */
export interface MetricFamily {
  readonly name: string;
  readonly type: MetricType;
  readonly help?: string;
  readonly unit?: string;
  readonly samples: readonly FamilySample[];
}

/** The metadata of one family, as the Prometheus `/api/v1/metadata` endpoint serves it. */
export interface MetricMetadata {
  readonly type: MetricType;
  readonly help: string;
  readonly unit: string;
}

/** Sample-name suffixes that belong to a family of each type, besides the family name itself. */
const FAMILY_SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['_total', '_created'],
  gauge: [],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
  stateset: [],
  untyped: [],
  unknown: [],
};

/** True when a sample named `sampleName` belongs to a family named `family` of type `type`. */
export function belongsToFamily(family: string, type: MetricType, sampleName: string): boolean {
  if (sampleName === family) return true;
  if (!sampleName.startsWith(family)) return false;
  const suffix = sampleName.slice(family.length);
  return FAMILY_SUFFIXES[type].includes(suffix);
}

interface MutableFamily {
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
  samples: FamilySample[];
}

/**
 * Parses a whole exposition text into families. A sample that does not belong to the family announced
 * by the preceding metadata starts a family of its own (type untyped, or unknown in OpenMetrics).
 * Throws ParseError on malformed input.
 */
export function parseAll(text: string, format: TextFormat = 'prometheus'): MetricFamily[] {
  // Every sample's labels are built, so names are checked once in next() rather than again in labels().
  const parser = new TextParser(text, format, { checkNames: 'eager' });
  const untyped: MetricType = format === 'openmetrics' ? 'unknown' : 'untyped';
  const families: MutableFamily[] = [];
  let current: MutableFamily | undefined;
  const familyFor = (name: string): MutableFamily => {
    if (current === undefined || current.name !== name || current.samples.length > 0) {
      current = { name, type: untyped, samples: [] };
      families.push(current);
    }
    return current;
  };
  for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
    switch (kind) {
      case 'help': familyFor(parser.metaName()).help = parser.help(); break;
      case 'type': familyFor(parser.metaName()).type = parser.type(); break;
      case 'unit': familyFor(parser.metaName()).unit = parser.unit(); break;
      case 'comment': break;
      case 'series': {
        const labels = parser.labels();
        const name = labels.metricName;
        if (current === undefined || !belongsToFamily(current.name, current.type, name)) {
          current = { name, type: untyped, samples: [] };
          families.push(current);
        }
        const ts = parser.timestampMs();
        const sample: FamilySample = ts === undefined
          ? { labels, value: parser.value(), exposedLabels: parser.labelPairs() }
          : { labels, value: parser.value(), timestampMs: ts, exposedLabels: parser.labelPairs() };
        current.samples.push(sample);
        break;
      }
    }
  }
  return families;
}

/** The metadata of every family in the text, by family name (first occurrence wins). */
export function metadataOf(families: readonly MetricFamily[]): Map<string, MetricMetadata> {
  const out = new Map<string, MetricMetadata>();
  for (const f of families) {
    if (!out.has(f.name)) out.set(f.name, { type: f.type, help: f.help ?? '', unit: f.unit ?? '' });
  }
  return out;
}
