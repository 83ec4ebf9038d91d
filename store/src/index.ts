/** @hlmon/store: PostgreSQL storage: migrations, series index, appender, querier, embedded PGlite. */
export { openStore, defaultSampleWriter, type Store, type StoreOptions, type StoreEngine } from './store.js';
export { EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres.js';
export {
  StoreError,
  ConnectionError,
  AuthenticationError,
  UniqueViolationError,
  QueryTimeoutError,
  PermissionError,
  BadUrlError,
  MigrationError,
  SerializationError,
  BadInputError,
  DataDirLockedError,
  classifyError,
  type StoreErrorCode,
  type ErrorContext,
} from './errors.js';
export { parseDatabaseUrl, redactUrl, type DatabaseUrl } from './database-url.js';
export { MIGRATIONS, CodeMigrationSource, sqlMigrations, type Migration } from './migrations.js';
export { SeriesIndex, type ResolvedSeries } from './series-index.js';
export { BinaryCopyWriter, TextCopyWriter, UnnestWriter, formatFloat, orderBySeries, type SampleWriter, type SampleColumns } from './sample-writer.js';
export { isPortableRegex, matcherCondition, matchersWhere, SqlParams } from './matcher-sql.js';
export { partitionName, DAY_MS } from './partitions.js';
