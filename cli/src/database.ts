/**
 * Opens the database for any command, with every package's migrations, so that `hlmon migrate`, `hlmon
 * import` and the server agree on the schema (knex refuses to run when a recorded migration is missing).
 */
import { openStore, sqlMigrations, type Migration, type Store } from '@hlmon/store';
import { RULES_MIGRATIONS } from '@hlmon/rules';
import { API_MIGRATIONS } from '@hlmon/api';
import { SCRAPER_HEALTH_MIGRATION_SQL } from './scraper-health.js';

/** Other packages' tables as store migrations, after the store's own (names prefixed by package). */
export const EXTRA_MIGRATIONS: readonly Migration[] = [
  ...sqlMigrations('rules', RULES_MIGRATIONS),
  ...sqlMigrations('api', API_MIGRATIONS),
  // Split mode: scrapers publish target health here for an api process (cli/src/scraper-health.ts).
  ...sqlMigrations('cli', [{ name: '0001_scraper_health', sql: SCRAPER_HEALTH_MIGRATION_SQL }]),
];

/** Opens the store at `databaseUrl`, or the embedded database in `dataDir` when no URL is given. */
export function openDatabase(opts: { databaseUrl?: string | undefined; dataDir: string; log?: (line: string) => void }): Promise<Store> {
  return openStore({
    ...(opts.databaseUrl ? { url: opts.databaseUrl } : { dataDir: opts.dataDir }),
    ...(opts.log ? { log: opts.log } : {}),
    extraMigrations: EXTRA_MIGRATIONS,
  });
}
