/**
 * A strict parser for the Prometheus text format 0.0.4, used for textfile collector input. It accepts what
 * node_exporter's textfile collector accepts and rejects, with the line number and reason, what it rejects:
 * bad syntax, a TYPE after samples, samples with timestamps, and a family declared twice.
 */
import { MetricWriter, type MetricType } from './metric-writer.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'untyped', 'summary', 'histogram']);

/** A parse error with its 1-based line number. */
export class TextParseError extends Error {
  override readonly name = 'TextParseError';
  /** @param line 1-based line number of the offending line */
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
  }
}

/** The family a sample name belongs to, given the declared types (histogram and summary suffixes). */
function familyOf(sampleName: string, types: Map<string, MetricType>): { family: string; suffix: string } {
  for (const suffix of ['_bucket', '_count', '_sum']) {
    if (sampleName.endsWith(suffix)) {
      const base = sampleName.slice(0, -suffix.length);
      const t = types.get(base);
      if (t === 'histogram' || (t === 'summary' && suffix !== '_bucket')) return { family: base, suffix };
    }
  }
  return { family: sampleName, suffix: '' };
}

function parseLabels(text: string, lineNo: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    while (text[i] === ' ') i++;
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (nameMatch === null) throw new TextParseError(lineNo, 'invalid label name');
    const name = nameMatch[0];
    i += name.length;
    while (text[i] === ' ') i++;
    if (text[i] !== '=' || text[i + 1] !== '"') throw new TextParseError(lineNo, `expected ="value" after label ${name}`);
    i += 2;
    let value = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new TextParseError(lineNo, `unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === '\\') {
        const n = text[i + 1];
        if (n === 'n') value += '\n';
        else if (n === '\\' || n === '"') value += n;
        else throw new TextParseError(lineNo, `invalid escape \\${n ?? ''} in label ${name}`);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new TextParseError(lineNo, `invalid label name ${name}`);
    if (name in labels) throw new TextParseError(lineNo, `duplicate label ${name}`);
    labels[name] = value;
    while (text[i] === ' ') i++;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new TextParseError(lineNo, 'expected , or } in label set');
  }
}

function parseValue(s: string, lineNo: number): number {
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  const v = Number(s);
  if (s === '' || Number.isNaN(v)) throw new TextParseError(lineNo, `invalid value "${s}"`);
  return v;
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
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const line = lines[n]!.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      if (m === null) continue; // An ordinary comment.
      const [, kind, name, rest = ''] = m as unknown as [string, string, string, string | undefined];
      if (!METRIC_NAME.test(name)) throw new TextParseError(lineNo, `invalid metric name ${name}`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new TextParseError(lineNo, `unknown type "${rest}" for ${name}`);
        if (types.has(name)) throw new TextParseError(lineNo, `second TYPE line for ${name}`);
        if (withSamples.has(name)) throw new TextParseError(lineNo, `TYPE for ${name} after its samples`);
        types.set(name, rest as MetricType);
      } else {
        if (helps.has(name)) throw new TextParseError(lineNo, `second HELP line for ${name}`);
        helps.set(name, rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\'));
      }
      continue;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (nameMatch === null) throw new TextParseError(lineNo, 'expected a metric name');
    const sampleName = nameMatch[0];
    let rest = line.slice(sampleName.length);
    let labels: Record<string, string> | undefined;
    if (rest.startsWith('{')) {
      const parsed = parseLabels(rest, lineNo);
      labels = parsed.labels;
      rest = parsed.rest;
    }
    const fields = rest.trim().split(/\s+/);
    if (fields.length === 0 || fields[0] === '') throw new TextParseError(lineNo, `no value for ${sampleName}`);
    if (fields.length > 1) throw new TextParseError(lineNo, `${sampleName} has a timestamp or trailing text; textfile metrics must not carry timestamps`);
    const value = parseValue(fields[0]!, lineNo);
    const { family, suffix } = familyOf(sampleName, types);
    withSamples.add(family);
    out.family(family, types.get(family) ?? 'untyped', helps.get(family) ?? defaultHelp(family))
      .samples.push({ suffix, labels, value });
  }
  return out;
}
