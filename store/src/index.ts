/** @hlmon/store: PostgreSQL storage: migrations, series index, appender, querier, embedded PGlite. */
export {};
