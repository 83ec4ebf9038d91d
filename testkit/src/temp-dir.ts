/** Temporary folders for tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A temporary folder and how to remove it. */
export interface TempDir {
  /** Absolute path. */
  readonly path: string;
  /** Removes the folder and everything in it. */
  remove(): Promise<void>;
}

/** Creates an empty folder under the OS temp folder. */
export async function tempDir(prefix = 'hlmon-test-'): Promise<TempDir> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
