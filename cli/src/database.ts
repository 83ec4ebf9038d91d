/**
 * Opens the database for any command, with every package's migrations, so that `hlmon migrate`, `hlmon
 * import` and the server agree on the schema (knex refuses to run when a recorded migration is missing).
 */
import { openStore, type Migration, type Store } from '@hlmon/store';
import { RULES_MIGRATIONS } from '@hlmon/rules';

/** The rules' tables as store migrations, after the store's own (names prefixed so they sort apart). */
export const EXTRA_MIGRATIONS: readonly Migration[] = RULES_MIGRATIONS.map((m) => ({
  name: `rules_${m.name}`,
  up: async (knex) => { await knex.raw(m.sql); },
}));

/** Opens the store at `databaseUrl`, or the embedded database in `dataDir` when no URL is given. */
export function openDatabase(opts: { databaseUrl?: string | undefined; dataDir: string; log?: (line: string) => void }): Promise<Store> {
  return openStore({
    ...(opts.databaseUrl ? { url: opts.databaseUrl } : { dataDir: opts.dataDir }),
    ...(opts.log ? { log: opts.log } : {}),
    extraMigrations: EXTRA_MIGRATIONS,
  });
}
