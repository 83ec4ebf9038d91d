/**
 * Signatures of the PromQL functions of Prometheus 2.42: argument types, how many trailing arguments
 * may be left out (or repeated, for label_join), and the return type. The parser checks calls against it.
 */
import type { ValueType } from './ast.js';

/** A function's signature. */
export interface FunctionSignature {
  readonly args: readonly ValueType[];
  /** -1: the last argument may repeat any number of times; n > 0: the last n arguments are optional. */
  readonly variadic: number;
  readonly returns: ValueType;
}

const V: ValueType = 'vector', M: ValueType = 'matrix', S: ValueType = 'scalar', STR: ValueType = 'string';

function sig(args: ValueType[], returns: ValueType, variadic = 0): FunctionSignature {
  return { args, returns, variadic };
}

const simple = ['abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'cos', 'cosh', 'deg', 'exp', 'floor', 'ln',
  'log10', 'log2', 'rad', 'sgn', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'sort', 'sort_desc', 'timestamp',
  'histogram_count', 'histogram_sum'];
const overTime = ['avg_over_time', 'count_over_time', 'last_over_time', 'max_over_time', 'min_over_time', 'present_over_time',
  'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'changes', 'resets', 'delta', 'deriv', 'idelta', 'increase', 'irate', 'rate'];
const dateFns = ['day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'hour', 'minute', 'month', 'year'];

/** Every function the engine knows, by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map<string, FunctionSignature>([
  ...simple.map((n) => [n, sig([V], V)] as const),
  ...overTime.map((n) => [n, sig([M], V)] as const),
  ...dateFns.map((n) => [n, sig([V], V, 1)] as const),
  ['absent', sig([V], V)],
  ['absent_over_time', sig([M], V)],
  ['clamp', sig([V, S, S], V)],
  ['clamp_max', sig([V, S], V)],
  ['clamp_min', sig([V, S], V)],
  ['histogram_fraction', sig([S, S, V], V)],
  ['histogram_quantile', sig([S, V], V)],
  ['holt_winters', sig([M, S, S], V)],
  ['label_join', sig([V, STR, STR, STR], V, -1)],
  ['label_replace', sig([V, STR, STR, STR, STR], V)],
  ['pi', sig([], S)],
  ['predict_linear', sig([M, S], V)],
  ['quantile_over_time', sig([S, M], V)],
  ['round', sig([V, S], V, 1)],
  ['scalar', sig([V], S)],
  ['time', sig([], S)],
  ['vector', sig([S], V)],
]);
