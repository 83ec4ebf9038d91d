/**
 * A template PGlite data folder, so that tests copy an initialised cluster instead of running initdb for
 * every store: initdb dominates PGlite's start-up (seconds per folder, tens of seconds on a loaded machine),
 * while starting on an existing folder is quick.
 *
 * The template lives in the OS temp folder, keyed by the PGlite version, and is shared by concurrent test
 * processes: it is built in a private folder and renamed into place, so a reader never sees half a template.
 */
import { cp, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddedPostgres } from '@hlmon/store';

let building: Promise<string> | undefined;

/** The PGlite version the store is built on, from the store's package.json. */
function pgliteVersion(): string {
  const pkg = createRequire(import.meta.url)('@hlmon/store/package.json') as { dependencies?: Record<string, string> };
  return pkg.dependencies?.['@electric-sql/pglite'] ?? 'unknown';
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** The path of an initialised, cleanly stopped, empty PGlite cluster (built on first use). */
export function pgliteTemplate(): Promise<string> {
  building ??= (async () => {
    const final = path.join(tmpdir(), `hlmon-pglite-template-${pgliteVersion()}`);
    if (await exists(path.join(final, 'PG_VERSION'))) return final;
    const work = await mkdtemp(path.join(tmpdir(), 'hlmon-pglite-template-build-'));
    const pg = await EmbeddedPostgres.start(work);
    await pg.stop();
    try {
      await rename(work, final);
    } catch {
      // Another process won the race; its template is as good as ours.
      await rm(work, { recursive: true, force: true });
    }
    return final;
  })();
  return building;
}

/** Copies the template into `dataDir` (which must not exist or be empty). */
export async function copyPgliteTemplate(dataDir: string): Promise<void> {
  await cp(await pgliteTemplate(), dataDir, { recursive: true });
}
