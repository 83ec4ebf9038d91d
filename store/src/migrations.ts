/**
 * Schema migrations, forward only, defined in code. A custom knex migration source (instead of a folder of
 * files) keeps migrations working the same from TypeScript source under tsx and from the compiled dist,
 * with no file globbing. Each migration runs in its own transaction; knex records it in
 * `knex_migrations`, so running `migrate()` twice applies nothing the second time.
 *
 * The schema is explained in docs/decisions/0002-storage-schema.md. Never edit a released migration:
 * add a new one.
 */
import type { Knex } from 'knex';

/** One forward-only migration. */
export interface Migration {
  /** Unique, sortable name; recorded in knex_migrations. */
  readonly name: string;
  /** Applies the change. */
  up(knex: Knex): Promise<void>;
}

/** Every migration, in order. */
/**
 * Another package's plain-SQL migrations (rules, api, cli keep theirs as `{ name, sql }` so they need no
 * knex) as store migrations, their names prefixed by the package so two packages cannot collide.
 */
export function sqlMigrations(prefix: string, list: readonly { readonly name: string; readonly sql: string }[]): Migration[] {
  return list.map((m) => ({ name: `${prefix}_${m.name}`, up: async (knex) => { await knex.raw(m.sql); } }));
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: '0001_series_and_samples',
    async up(knex) {
      // Series identity is the canonical label key. `labels` holds the full set, `__name__` included, for
      // jsonb containment queries through the GIN index; `metric` duplicates `__name__` for a b-tree index,
      // because nearly every query names its metric.
      await knex.raw(`
        CREATE TABLE series (
          id bigserial PRIMARY KEY,
          metric text NOT NULL,
          labels jsonb NOT NULL,
          key text NOT NULL UNIQUE,
          created_at timestamptz NOT NULL DEFAULT now()
        )`);
      await knex.raw('CREATE INDEX series_labels_gin ON series USING gin (labels jsonb_path_ops)');
      await knex.raw('CREATE INDEX series_metric ON series (metric)');
      // Narrow samples, range-partitioned by time in milliseconds so that retention is a DROP of a daily
      // partition. No foreign key and no unique constraint: both would cost on every row of a hot insert
      // path and neither is supported across shards on Citus (distribution column series_id). v is NULL
      // for the staleness marker (see the decision record for why not the NaN payload).
      await knex.raw(`
        CREATE TABLE samples (
          series_id bigint NOT NULL,
          t bigint NOT NULL,
          v double precision
        ) PARTITION BY RANGE (t)`);
      await knex.raw('CREATE TABLE samples_default PARTITION OF samples DEFAULT');
      await knex.raw('CREATE INDEX samples_series_t ON samples (series_id, t)');
    },
  },
  {
    name: '0002_write_batches',
    async up(knex) {
      // Ids of committed write batches, for exactly-once writes: an appender given a batch id inserts it in
      // the same transaction as the samples and skips the samples when the id is already here (a retry after
      // a connection lost during COMMIT, or a spool record replayed after a crash before its
      // acknowledgement). Pruned after a day by the appender itself, see BATCH_ID_RETENTION_MS.
      await knex.raw(`
        CREATE TABLE write_batches (
          id text PRIMARY KEY,
          samples integer NOT NULL,
          committed_at timestamptz NOT NULL DEFAULT now()
        )`);
      await knex.raw('CREATE INDEX write_batches_committed_at ON write_batches (committed_at)');
    },
  },
];

/** A knex migration source over MIGRATIONS. */
export class CodeMigrationSource implements Knex.MigrationSource<Migration> {
  constructor(private readonly migrations: readonly Migration[] = MIGRATIONS) {}

  async getMigrations(): Promise<Migration[]> {
    return [...this.migrations];
  }

  getMigrationName(migration: Migration): string {
    return migration.name;
  }

  async getMigration(migration: Migration): Promise<Knex.Migration> {
    return {
      up: (knex: Knex) => migration.up(knex),
      // Forward only: a down migration would destroy monitoring history, so there is none.
      down: async () => {
        throw new Error(`migration ${migration.name} cannot be reverted: migrations are forward-only`);
      },
    };
  }
}
