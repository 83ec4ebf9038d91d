/**
 * A throwaway PostgreSQL 15 cluster in a temp folder on a free port, which a test may stop and start
 * (the machine's server is shared with other tests and must never be stopped).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './processes.js';

const BIN = '/usr/lib/postgresql/15/bin';

/** The cluster. */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  start(): Promise<void>;
  /** Stops immediately (like a crash or a pulled cable, no checkpoint). */
  stop(): Promise<void>;
  /** Stops and removes the folder. */
  destroy(): Promise<void>;
}

/** Runs a PostgreSQL tool as the postgres user, without blocking the event loop (scrapes go on meanwhile). */
async function asPostgres(args: string[]): Promise<void> {
  // pg_ctl and initdb refuse to run as root; the tests run as root in CI.
  const cmd = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...args] : args;
  await promisify(execFile)(cmd[0]!, cmd.slice(1));
}

/** Creates and starts a cluster. Takes a few seconds (initdb). */
export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hlmon-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  await asPostgres([`${BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  let running = false;
  const pg: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async start() {
      await asPostgres([`${BIN}/pg_ctl`, '-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']);
      running = true;
    },
    async stop() {
      if (!running) return;
      await asPostgres([`${BIN}/pg_ctl`, '-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    async destroy() {
      try { await pg.stop(); } finally { rmSync(dir, { recursive: true, force: true }); }
    },
  };
  await pg.start();
  return pg;
}
