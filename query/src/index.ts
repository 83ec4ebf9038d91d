/** @hlmon/query: PromQL engine over a Querier. */
export { MemoryStorage } from './memory-storage.js';
export { parseSeriesValues, parseSeriesDesc, parseSeriesLine, parseNumber, SeriesValuesError } from './series-values.js';
export type { SeriesValue } from './series-values.js';
