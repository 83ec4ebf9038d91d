/** An embedded PostgreSQL (PGlite over the wire protocol) for tests. */
import { EmbeddedPostgres } from '@hlmon/store';
import { copyPgliteTemplate } from './pglite-template.js';
import { tempDir } from './temp-dir.js';

/** A running PGlite server. */
export interface TestPglite {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  /** The data folder. */
  readonly dataDir: string;
  /** Stops the server; removes the data folder when it was a temporary one. */
  stop(): Promise<void>;
}

/** Starts PGlite in `dataDir`, or in a new temporary folder (a copy of the template; removed on stop) when none is given. */
export async function startPglite(dataDir?: string): Promise<TestPglite> {
  const temp = dataDir === undefined ? await tempDir('hlmon-pglite-') : undefined;
  const dir = dataDir ?? temp!.path;
  // A new temporary folder starts from the initialised template instead of running initdb again.
  if (temp) await copyPgliteTemplate(dir);
  const pg = await EmbeddedPostgres.start(dir);
  return {
    url: pg.url,
    dataDir: dir,
    async stop() {
      await pg.stop();
      await temp?.remove();
    },
  };
}
