/**
 * openStore: the one entry point that wires a pool, the series index, the partition manager, appenders and
 * queriers, on a PostgreSQL server (given a URL) or on the embedded PGlite (given none).
 */
import type { Appender, Querier } from '@hlmon/model';
import knexFactory, { type Knex } from 'knex';
import { StoreAppender } from './appender.js';
import { poolTypes, withConnection } from './connection.js';
import { parseDatabaseUrl } from './database-url.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { classifyError, MigrationError, StoreError } from './errors.js';
import { CodeMigrationSource, MIGRATIONS, type Migration } from './migrations.js';
import { PartitionManager } from './partitions.js';
import { StoreQuerier } from './querier.js';
import { BinaryCopyWriter, UnnestWriter, type SampleWriter } from './sample-writer.js';
import { SeriesIndex } from './series-index.js';

/** Options of openStore. */
export interface StoreOptions {
  /** postgres://user:password@host:port/database; without it the embedded PGlite is used. */
  readonly url?: string;
  /** Data folder of the embedded PGlite (default ./data); ignored with `url`. */
  readonly dataDir?: string;
  /** Pool size on PostgreSQL (default 10). The embedded PGlite always uses 1, see embedded-postgres.ts. */
  readonly poolMax?: number;
  /** Receives one line per notable event. */
  readonly log?: (line: string) => void;
  /** How long to wait for a connection before failing (default 5000 ms). */
  readonly connectTimeoutMs?: number;
  /** Server-side statement_timeout for every connection (PostgreSQL only); exceeded → QueryTimeoutError. */
  readonly statementTimeoutMs?: number;
  /** How samples are written (default: defaultSampleWriter(engine)). */
  readonly sampleWriter?: SampleWriter;
  /**
   * Migrations of other packages (e.g. the rules' tables), run after the store's own. Every opener of a
   * database must pass the same list: knex refuses to run when a recorded migration is missing.
   */
  readonly extraMigrations?: readonly Migration[];
}

/**
 * Binary COPY on PostgreSQL (fastest, see bench/store-ingest.ts); unnest on PGlite, where COPY FROM STDIN does
 * not work through pglite-socket.
 */
export function defaultSampleWriter(engine: StoreEngine): SampleWriter {
  return engine === 'pglite' ? new UnnestWriter() : new BinaryCopyWriter();
}

/** Which database engine a store runs on. */
export type StoreEngine = 'postgres' | 'pglite';

/** An open store. Safe for concurrent use; close it once. */
export interface Store {
  /** 'postgres' for a server given by URL, 'pglite' for the embedded database. */
  readonly engine: StoreEngine;
  /** The database URL without its password. */
  readonly url: string;
  /** The knex instance over the store's pool, for ordinary tables of other packages. */
  readonly knex: Knex;
  /** Applies pending migrations; returns their names (empty when up to date). */
  migrate(): Promise<{ applied: string[] }>;
  /** A new single-use appender. */
  appender(): Appender;
  /** A querier (stateless; may be shared). */
  querier(): Querier;
  /** Creates the daily sample partitions covering [fromMs, toMs]; call periodically to create them ahead. */
  ensurePartitions(fromMs: number, toMs: number): Promise<void>;
  /** Round trip to the database; rejects with a ConnectionError when it is unreachable. */
  ping(): Promise<void>;
  /**
   * Runs one statement with `$1`-style parameters on a pooled connection: for other packages' ordinary
   * tables (alert state, silences). Errors are classified like every store error.
   */
  sql(text: string, params?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** Closes the pool and stops the embedded database, if any. */
  close(): Promise<void>;
}

class PgStore implements Store {
  private readonly index = new SeriesIndex();
  private readonly partitions: PartitionManager;
  private readonly writer: SampleWriter;
  private closing: Promise<void> | undefined;

  constructor(
    readonly engine: StoreEngine,
    readonly url: string,
    readonly knex: Knex,
    private readonly address: string,
    private readonly embedded: EmbeddedPostgres | undefined,
    log: (line: string) => void,
    writer: SampleWriter | undefined,
    private readonly migrations: readonly Migration[] = MIGRATIONS,
  ) {
    this.partitions = new PartitionManager(knex, log);
    this.writer = writer ?? defaultSampleWriter(engine);
  }

  async migrate(): Promise<{ applied: string[] }> {
    try {
      const [, applied] = (await this.knex.migrate.latest({ migrationSource: new CodeMigrationSource(this.migrations) })) as [number, string[]];
      return { applied };
    } catch (err) {
      const cause = classifyError(err, { address: this.address });
      throw new MigrationError(`database migration failed: ${cause.message}`, { cause: err, sqlState: cause.sqlState });
    }
  }

  appender(): Appender {
    this.assertOpen();
    return new StoreAppender({ knex: this.knex, index: this.index, partitions: this.partitions, writer: this.writer, address: this.address });
  }

  querier(): Querier {
    this.assertOpen();
    return new StoreQuerier(this.knex, this.address);
  }

  ensurePartitions(fromMs: number, toMs: number): Promise<void> {
    return this.partitions.ensureRange(fromMs, toMs);
  }

  async sql(text: string, params: readonly unknown[] = []): Promise<{ rows: Record<string, unknown>[] }> {
    this.assertOpen();
    return withConnection(this.knex, { address: this.address, doing: 'running a statement' }, async (conn) => {
      try {
        const res = await conn.query({ text, values: [...params] });
        return { rows: res.rows as Record<string, unknown>[] };
      } catch (err) {
        throw classifyError(err, { address: this.address, doing: 'running a statement' });
      }
    });
  }

  async ping(): Promise<void> {
    try {
      await this.knex.raw('SELECT 1');
    } catch (err) {
      throw classifyError(err, { address: this.address });
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.knex.destroy();
      } finally {
        await this.embedded?.stop();
      }
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new StoreError('store is closed', { code: 'CLOSED' });
  }
}

/**
 * Opens a store on the PostgreSQL server at `options.url`, or on an embedded PGlite in `options.dataDir`.
 * Fails fast with BadUrlError, ConnectionError, AuthenticationError or PermissionError. Does not migrate.
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const log = options.log ?? (() => {});
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  let embedded: EmbeddedPostgres | undefined;
  let url: string;
  let poolMax: number;
  if (options.url !== undefined) {
    url = options.url;
    poolMax = options.poolMax ?? 10;
  } else {
    embedded = await EmbeddedPostgres.start(options.dataDir ?? './data', { log, maxConnections: 2 });
    url = embedded.url;
    if (options.poolMax !== undefined && options.poolMax !== 1) log(`store: the embedded database uses 1 connection (poolMax ${options.poolMax} ignored)`);
    poolMax = 1;
  }
  try {
    const parsed = parseDatabaseUrl(url);
    const connection: Record<string, unknown> = {
      connectionString: url,
      connectionTimeoutMillis: connectTimeoutMs,
      types: poolTypes,
      application_name: 'hlmon',
    };
    if (options.statementTimeoutMs !== undefined && !embedded) connection.statement_timeout = options.statementTimeoutMs;
    const knex = knexFactory({
      client: 'pg',
      connection,
      pool: { min: 0, max: poolMax },
      acquireConnectionTimeout: connectTimeoutMs + 1000,
      // knex prints pool warnings to the console by default; the caller's log decides instead. Connection
      // failures also surface as typed errors, so these lines are diagnostics only.
      log: {
        warn: (m: unknown) => log(`store: ${String(m)}`),
        error: (m: unknown) => log(`store: ${String(m)}`),
        deprecate: (m: unknown) => log(`store: ${String(m)}`),
        debug: () => {},
      },
    });
    const store = new PgStore(embedded ? 'pglite' : 'postgres', parsed.redacted, knex, parsed.address, embedded, log, options.sampleWriter, [...MIGRATIONS, ...(options.extraMigrations ?? [])]);
    try {
      await store.ping();
    } catch (err) {
      await knex.destroy().catch(() => {});
      throw err;
    }
    return store;
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}
