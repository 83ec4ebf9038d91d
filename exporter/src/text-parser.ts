/**
 * Textfile collector input: model's text-format parser, plus the rules node_exporter's textfile collector
 * adds on top of the format — no timestamps, no TYPE after a family's samples, no family declared twice —
 * each rejected with the line number and reason.
 */
import { ParseError, TextParser, belongsToFamily } from '@hlmon/model';
import { MetricWriter, type MetricType } from './metric-writer.js';

const TYPES = new Set<string>(['counter', 'gauge', 'untyped', 'summary', 'histogram']);

/** A parse error with its 1-based line number. */
export class TextParseError extends Error {
  override readonly name = 'TextParseError';
  /** @param line 1-based line number of the offending line */
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
  }
}

/**
 * Parses text-format input into a MetricWriter; throws TextParseError at the first problem. Families
 * without a HELP line get `defaultHelp(name)`.
 */
export function parseTextFormat(text: string, defaultHelp: (family: string) => string = (family) => `Metric read from textfile ${family}`): MetricWriter {
  const out = new MetricWriter();
  const types = new Map<string, MetricType>();
  const helps = new Map<string, string>();
  const withSamples = new Set<string>();
  const parser = new TextParser(text, 'prometheus', { checkNames: 'eager' });
  const lineOf = () => ParseError.at(text, parser.entryOffset(), '').line;
  try {
    for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
      if (kind === 'type') {
        const name = parser.metaName();
        const type = parser.type();
        if (!TYPES.has(type)) throw new TextParseError(lineOf(), `unknown type "${type}" for ${name}`);
        if (types.has(name)) throw new TextParseError(lineOf(), `second TYPE line for ${name}`);
        if (withSamples.has(name)) throw new TextParseError(lineOf(), `TYPE for ${name} after its samples`);
        types.set(name, type as MetricType);
      } else if (kind === 'help') {
        const name = parser.metaName();
        if (helps.has(name)) throw new TextParseError(lineOf(), `second HELP line for ${name}`);
        helps.set(name, parser.help());
      } else if (kind === 'series') {
        const sampleName = parser.metricName();
        if (parser.timestampMs() !== undefined) {
          throw new TextParseError(lineOf(), `${sampleName} has a timestamp; textfile metrics must not carry timestamps`);
        }
        const pairs = parser.labelPairs();
        const labels: Record<string, string> = {};
        for (const l of pairs) {
          if (l.name.startsWith('__')) throw new TextParseError(lineOf(), `invalid label name ${l.name}`);
          if (l.name in labels) throw new TextParseError(lineOf(), `duplicate label ${l.name}`);
          labels[l.name] = l.value;
        }
        const family = familyOf(sampleName, types);
        withSamples.add(family);
        out.family(family, types.get(family) ?? 'untyped', helps.get(family) ?? defaultHelp(family))
          .samples.push({ suffix: sampleName.slice(family.length), labels: pairs.length ? labels : undefined, value: parser.value() });
      }
    }
  } catch (err) {
    if (err instanceof ParseError) throw new TextParseError(err.line, err.message.replace(/^\d+:\d+: /, ''));
    throw err;
  }
  return out;
}

/** The family a sample belongs to, given the declared types (histogram and summary suffixes). */
function familyOf(sampleName: string, types: Map<string, MetricType>): string {
  for (const suffix of ['_bucket', '_count', '_sum']) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = sampleName.slice(0, -suffix.length);
    const type = types.get(base);
    if (type !== undefined && belongsToFamily(base, type, sampleName)) return base;
  }
  return sampleName;
}
