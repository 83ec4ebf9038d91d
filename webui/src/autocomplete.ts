/**
 * PromQL completion without a parser: find the word under the cursor and decide from the text before it
 * whether a metric name, a label name or a function fits. Good enough for a query box; the server still
 * reports real syntax errors.
 */

/** PromQL functions and aggregations offered next to metric names. */
export const PROMQL_FUNCTIONS = [
  'abs', 'absent', 'avg', 'avg_over_time', 'ceil', 'changes', 'clamp_max', 'clamp_min', 'count', 'count_over_time', 'delta', 'deriv',
  'floor', 'histogram_quantile', 'increase', 'irate', 'label_replace', 'last_over_time', 'max', 'max_over_time', 'min', 'min_over_time',
  'predict_linear', 'quantile', 'rate', 'resets', 'round', 'sort', 'sort_desc', 'stddev', 'sum', 'sum_over_time', 'time', 'timestamp', 'topk', 'bottomk',
];

/** What the word under the cursor is. */
export interface CompletionContext {
  readonly kind: 'metric' | 'label';
  readonly word: string;
  /** Where the word starts in the text. */
  readonly from: number;
}

/** The completion context at `cursor`, or undefined inside a string or after a number. */
export function completionContext(text: string, cursor: number): CompletionContext | undefined {
  const before = text.slice(0, cursor);
  const m = /[a-zA-Z_:][a-zA-Z0-9_:]*$/.exec(before);
  const word = m ? m[0] : '';
  const from = cursor - word.length;
  // Inside a string literal (an odd number of unescaped quotes before) nothing is completed.
  if (((before.replace(/\\./g, '').match(/"/g) ?? []).length % 2) === 1) return undefined;
  const lastOpen = Math.max(before.lastIndexOf('{'), before.lastIndexOf('by ('), before.lastIndexOf('by('), before.lastIndexOf('without ('));
  const lastClose = Math.max(before.lastIndexOf('}'), before.lastIndexOf(')'));
  if (lastOpen > lastClose) return { kind: 'label', word, from };
  if (word === '') return undefined;
  return { kind: 'metric', word, from };
}

/** Candidates starting with (then containing) the word, at most `limit`. */
export function rankCandidates(word: string, candidates: readonly string[], limit = 12): string[] {
  const w = word.toLowerCase();
  const starts = candidates.filter((c) => c.toLowerCase().startsWith(w));
  const contains = w.length >= 2 ? candidates.filter((c) => !c.toLowerCase().startsWith(w) && c.toLowerCase().includes(w)) : [];
  return [...starts, ...contains].filter((c) => c !== word).slice(0, limit);
}
