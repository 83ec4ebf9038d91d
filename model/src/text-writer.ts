/**
 * Writes metric families in the Prometheus text format 0.0.4 or OpenMetrics 1.0, byte for byte as Go's
 * client_golang does for the same data (so hlmon's exporter output diffs cleanly against node_exporter's).
 */
import { METRIC_NAME, type Label } from './labels.js';
import { formatGoFloat } from './float-text.js';
import type { FamilySample, MetricFamily } from './text-families.js';
import type { MetricType, TextFormat } from './text-parser.js';

/** Writes families as an exposition text; OpenMetrics output ends with `# EOF`. */
export function writeText(families: Iterable<MetricFamily>, format: TextFormat = 'prometheus'): string {
  const om = format === 'openmetrics';
  let out = '';
  for (const f of families) {
    // OpenMetrics names a counter family without its `_total`; the samples keep it.
    const metaName = om && f.type === 'counter' && f.name.endsWith('_total') ? f.name.slice(0, -6) : f.name;
    if (f.help !== undefined) out += `# HELP ${metaName} ${escapeHelp(f.help, om)}\n`;
    out += `# TYPE ${metaName} ${typeFor(f.type, om)}\n`;
    if (om && f.unit !== undefined && f.unit !== '') out += `# UNIT ${metaName} ${f.unit}\n`;
    const lastLabel = f.type === 'histogram' || f.type === 'gaugehistogram' ? 'le' : f.type === 'summary' ? 'quantile' : '';
    for (const s of f.samples) out += writeSample(s, lastLabel, om);
  }
  if (om) out += '# EOF\n';
  return out;
}

/**
 * One sample line, newline included. The sample's `exposedLabels` are written as they are when present;
 * otherwise its sorted labels, with `lastLabel` (`le` for histograms, `quantile` for summaries) after the
 * others, as client_golang appends it to the sorted pairs.
 */
export function writeSample(sample: FamilySample, lastLabel = '', om = false): string {
  const name = sample.labels.metricName;
  let block = '';
  if (sample.exposedLabels !== undefined) {
    for (const l of sample.exposedLabels) block += (block === '' ? '' : ',') + l.name + '="' + escapeLabelValue(l.value) + '"';
  } else {
    let last: Label | undefined;
    for (const l of sample.labels) {
      if (l.name === METRIC_NAME) continue;
      if (l.name === lastLabel) { last = l; continue; }
      block += (block === '' ? '' : ',') + l.name + '="' + escapeLabelValue(l.value) + '"';
    }
    if (last !== undefined) block += (block === '' ? '' : ',') + last.name + '="' + escapeLabelValue(last.value) + '"';
  }
  let line = block === '' ? name : `${name}{${block}}`;
  line += ' ' + formatGoFloat(sample.value);
  if (sample.timestampMs !== undefined) line += ' ' + (om ? formatSeconds(sample.timestampMs) : String(Math.round(sample.timestampMs)));
  return line + '\n';
}

function typeFor(type: MetricType, om: boolean): string {
  if (om) return type === 'untyped' ? 'unknown' : type;
  // The 0.0.4 format knows five types; OpenMetrics-only ones degrade to untyped.
  switch (type) {
    case 'counter': case 'gauge': case 'histogram': case 'summary': return type;
    default: return 'untyped';
  }
}

/** Milliseconds as exact decimal seconds (`1700000000.5`), the OpenMetrics timestamp unit. */
function formatSeconds(ms: number): string {
  const whole = Math.round(ms);
  const sign = whole < 0 ? '-' : '';
  const abs = Math.abs(whole);
  const frac = abs % 1000;
  const secs = (abs - frac) / 1000;
  if (frac === 0) return sign + String(secs);
  return `${sign}${secs}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

/** Escapes a label value: backslash, double quote and newline. */
export function escapeLabelValue(v: string): string {
  if (!needsEscape(v, true)) return v;
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

function escapeHelp(v: string, om: boolean): string {
  if (!needsEscape(v, om)) return v;
  return v.replace(om ? /[\\"\n]/g : /[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

function needsEscape(v: string, quotes: boolean): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 10 || (quotes && c === 34)) return true;
  }
  return false;
}
