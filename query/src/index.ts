/** @hlmon/query: PromQL engine over a Querier. */
export { Engine } from './engine.js';
export type { EngineOptions, QueryOptions, QueryResult } from './engine.js';
export { QueryError } from './errors.js';
export type { PositionRange, QueryErrorType } from './errors.js';
export { parseExpr, typeOf } from './parser.js';
export type * from './ast.js';
export { formatPromValue, formatGoFloatF, formatGoFloatE, toPrometheusJson } from './format.js';
export type { PromJsonData, PromJsonPoint } from './format.js';
export type { ColumnarQuerier } from './value.js';
export { parseDurationMs } from './duration.js';
export { MemoryStorage } from './memory-storage.js';
export { parseSeriesValues, parseSeriesDesc, parseSeriesLine, parseNumber, SeriesValuesError } from './series-values.js';
export type { SeriesValue } from './series-values.js';
export { loadTestScript, runTestScript, almostEqual, TestScriptError } from './test-script.js';
export type { TestCommand, TestOutcome } from './test-script.js';
