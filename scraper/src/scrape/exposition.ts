/**
 * A small reader of the Prometheus text format used by the scrape loop until the model package's
 * parser lands (see the report of issue 4). It yields each sample's raw series text (the cache key:
 * identical text means identical labels, so relabeling runs once per series, not once per scrape),
 * value and optional timestamp, and builds Labels only when asked.
 */
import { Labels, type Label } from '@hlmon/model';

/** A parse failure with its 1-based line and column. */
export class ExpositionError extends Error {
  override readonly name = 'ExpositionError';
  constructor(message: string, readonly line: number, readonly column: number) {
    super(`${message} at line ${line}, column ${column}`);
  }
}

/** Receives each sample. `series` is the raw text before the value; `labels` builds the label set. */
export type SampleVisitor = (series: string, value: number, timestampMs: number | undefined, labels: () => Labels) => void;

function parseFloatText(s: string): number {
  switch (s) {
    case 'NaN': case 'nan': return NaN;
    case '+Inf': case 'Inf': case '+inf': case 'inf': return Infinity;
    case '-Inf': case '-inf': return -Infinity;
  }
  const v = Number(s);
  if (s === '' || Number.isNaN(v)) return NaN;
  return v;
}

const NAME_CHARS = /[a-zA-Z0-9_:]/;

/** Reads every sample of an exposition; throws ExpositionError on malformed input. Returns the sample count. */
export function readExposition(text: string, visit: SampleVisitor): number {
  let count = 0;
  let lineNo = 0;
  let pos = 0;
  while (pos < text.length) {
    lineNo++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(pos, end - 1) : text.slice(pos, end);
    pos = end + 1;
    if (line === '' || line.charCodeAt(0) === 35 /* # */) {
      if (line === '# EOF') break;
      continue;
    }
    // The series part ends at the closing brace, or at the first space when there are no labels.
    let i = 0;
    while (i < line.length && NAME_CHARS.test(line[i]!)) i++;
    if (i === 0) throw new ExpositionError(`invalid metric name start "${line[0]}"`, lineNo, 1);
    const name = line.slice(0, i);
    let labelsText = '';
    if (line[i] === '{') {
      const start = i;
      i = skipLabels(line, i + 1, lineNo);
      labelsText = line.slice(start, i);
    }
    const series = line.slice(0, i);
    if (line[i] !== ' ' && line[i] !== '\t') throw new ExpositionError('expected a space before the value', lineNo, i + 1);
    while (line[i] === ' ' || line[i] === '\t') i++;
    let j = i;
    while (j < line.length && line[j] !== ' ' && line[j] !== '\t') j++;
    const valueText = line.slice(i, j);
    const value = parseFloatText(valueText);
    if (Number.isNaN(value) && valueText !== 'NaN' && valueText !== 'nan') throw new ExpositionError(`invalid value "${valueText}"`, lineNo, i + 1);
    while (line[j] === ' ' || line[j] === '\t') j++;
    let ts: number | undefined;
    if (j < line.length && line[j] !== '#') {
      let k = j;
      while (k < line.length && line[k] !== ' ' && line[k] !== '\t') k++;
      const t = Number(line.slice(j, k));
      if (!Number.isFinite(t)) throw new ExpositionError(`invalid timestamp "${line.slice(j, k)}"`, lineNo, j + 1);
      ts = Math.round(t);
    }
    const ln = lineNo;
    visit(series, value, ts, () => buildLabels(name, labelsText, ln));
    count++;
  }
  return count;
}

function skipLabels(line: string, i: number, lineNo: number): number {
  let inQuote = false;
  for (; i < line.length; i++) {
    const c = line[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === '}') return i + 1;
  }
  throw new ExpositionError('unterminated label set', lineNo, line.length + 1);
}

function buildLabels(name: string, text: string, lineNo: number): Labels {
  const map = new Map<string, string>([['__name__', name]]);
  let i = 1; // after '{'
  const end = text.length - 1;
  while (i < end) {
    while (text[i] === ' ' || text[i] === ',') i++;
    if (i >= end) break;
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new ExpositionError('expected = in label set', lineNo, name.length + i + 1);
    const lname = text.slice(i, eq).trim();
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(lname)) throw new ExpositionError(`invalid label name "${lname}"`, lineNo, name.length + i + 1);
    if (text[eq + 1] !== '"') throw new ExpositionError('expected " after =', lineNo, name.length + eq + 2);
    let j = eq + 2;
    let value = '';
    while (j < end && text[j] !== '"') {
      if (text[j] === '\\') {
        const n = text[j + 1];
        value += n === 'n' ? '\n' : n ?? '';
        j += 2;
      } else value += text[j++];
    }
    if (map.has(lname)) throw new ExpositionError(`duplicate label name "${lname}"`, lineNo, name.length + i + 1);
    map.set(lname, value);
    i = j + 1;
  }
  const list: Label[] = [];
  for (const [n, v] of map) if (v !== '') list.push({ name: n, value: v });
  return Labels.from(list);
}
