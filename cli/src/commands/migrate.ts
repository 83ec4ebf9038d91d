/**
 * `hlmon migrate`: apply database migrations and exit.
 */
import path from 'node:path';
import { openDatabase } from '../database.js';
import { parse, str, type Command } from '../args.js';

/** `hlmon migrate`. */
export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply database migrations and exit',
  usage: `Usage: hlmon migrate [--database-url URL] [--data-dir DIR]

Applies every pending migration (they also run on every start). Running it twice is a no-op.

Options:
  --database-url URL    PostgreSQL URL (default: $HLMON_DATABASE_URL, else the embedded database)
  --data-dir DIR        folder of the embedded database (default ./data)`,
  async run(argv) {
    const { values } = parse(argv, { 'database-url': { type: 'string' }, 'data-dir': { type: 'string', default: 'data' } });
    const url = str(values, 'database-url') ?? (process.env.HLMON_DATABASE_URL || undefined);
    const store = await openDatabase({ databaseUrl: url, dataDir: path.resolve(str(values, 'data-dir')!) });
    try {
      const { applied } = await store.migrate();
      process.stdout.write(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'database is up to date\n');
      return 0;
    } finally {
      await store.close();
    }
  },
};
