/** @hlmon/model: pure types and functions with no I/O. */
export * from './labels.js';
export * from './matchers.js';
export * from './sample.js';
export * from './clock.js';
export type { Appender, CommitOptions, CommitResult, SelectHints, Querier } from './storage.js';
export * from './duration.js';
export * from './float-text.js';
export * from './parse-error.js';
export * from './text-parser.js';
export * from './text-families.js';
export * from './text-writer.js';
