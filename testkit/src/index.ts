/** @hlmon/testkit: Test helpers: fresh databases, PGlite, port-0 servers, a manual clock. */
export { freshPostgresDatabase, testServerUrl, type FreshDatabase } from './fresh-database.js';
export { startPglite, type TestPglite } from './pglite.js';
export { pgliteTemplate, copyPgliteTemplate } from './pglite-template.js';
export { listenOnPort0, type Listening } from './listen.js';
export { tempDir, type TempDir } from './temp-dir.js';
export { withStore, openTestStore, ENGINES, type Engine, type StoreContext, type TestStore } from './with-store.js';
export { ManualClock } from '@hlmon/model';
export { rejects } from './rejects.js';
export { waitFor } from './wait-for.js';
export { seededRandom } from './random.js';
