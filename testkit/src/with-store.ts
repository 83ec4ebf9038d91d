/**
 * Opens a migrated Store on either engine, for describe blocks that run the same tests on both:
 *
 *   for (const engine of ENGINES) describe(`store on ${engine}`, () => {
 *     const ctx = withStore(engine);      // registers before/after hooks
 *     it('...', async () => { ctx.store.appender() ... });
 *   });
 */
import { openStore, type Store, type StoreOptions } from '@hlmon/store';
import { freshPostgresDatabase, type FreshDatabase } from './fresh-database.js';
import { copyPgliteTemplate } from './pglite-template.js';
import { tempDir, type TempDir } from './temp-dir.js';

/** The two engines a store can run on. */
export const ENGINES = ['postgres', 'pglite'] as const;

/** One of ENGINES. */
export type Engine = (typeof ENGINES)[number];

/** An open, migrated test store and how to dispose of it. */
export interface TestStore {
  readonly store: Store;
  /** The database URL (PostgreSQL) or data folder (PGlite). */
  readonly location: string;
  /** Closes the store and drops its database or removes its folder. */
  dispose(): Promise<void>;
}

/** Opens a migrated store on a fresh database (postgres) or a fresh copy of the PGlite template (pglite). */
export async function openTestStore(engine: Engine, options: Omit<StoreOptions, 'url' | 'dataDir'> = {}): Promise<TestStore> {
  let db: FreshDatabase | undefined;
  let dir: TempDir | undefined;
  if (engine === 'postgres') db = await freshPostgresDatabase();
  else {
    dir = await tempDir('hlmon-pglite-');
    await copyPgliteTemplate(dir.path);
  }
  let store: Store;
  try {
    store = await openStore(db ? { ...options, url: db.url } : { ...options, dataDir: dir!.path });
    await store.migrate();
  } catch (err) {
    await db?.drop();
    await dir?.remove();
    throw err;
  }
  return {
    store,
    location: db?.url ?? dir!.path,
    async dispose() {
      try {
        await store.close();
      } finally {
        await db?.drop();
        await dir?.remove();
      }
    },
  };
}

/** The store of the current describe block; valid between its before and after hooks. */
export interface StoreContext {
  readonly store: Store;
  readonly engine: Engine;
}

/**
 * Registers mocha `before`/`after` hooks in the calling describe block that open a migrated store on
 * `engine` and dispose of it. Read `ctx.store` inside tests, not at describe time.
 */
export function withStore(engine: Engine, options: Omit<StoreOptions, 'url' | 'dataDir'> = {}): StoreContext {
  let test: TestStore | undefined;
  const ctx: StoreContext = {
    engine,
    get store(): Store {
      if (!test) throw new Error('withStore: the store is only available inside tests (after the before hook)');
      return test.store;
    },
  };
  before(async function () {
    this.timeout(120_000); // the first PGlite start runs initdb
    test = await openTestStore(engine, options);
  });
  after(async function () {
    this.timeout(60_000);
    await test?.dispose();
    test = undefined;
  });
  return ctx;
}
