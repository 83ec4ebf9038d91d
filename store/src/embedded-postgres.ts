/**
 * The embedded PostgreSQL: PGlite with its data in a folder, served over the Postgres wire protocol by
 * pglite-socket on 127.0.0.1 from a worker thread (see pglite-worker.ts), so the store's pg/knex code runs
 * unchanged against it.
 *
 * Connections: pglite-socket 0.2.17 accepts `maxConnections` clients (default 1; beyond that it writes
 * "Too many connections" and hangs up) and multiplexes them over PGlite's single session per protocol
 * *message*, keeping a client's messages together only while it is inside an explicit transaction. An
 * extended-protocol query (Parse/Bind/Execute/Sync) of one client can therefore interleave with another's
 * outside a transaction, so the store uses ONE pooled connection to PGlite. PGlite runs one query at a time
 * anyway, so a bigger pool would add no throughput. The server allows one spare connection for a pool that
 * replaces a broken connection before the server has noticed the old one close.
 */
import { mkdir, access, writeFile, readFile, rm, constants } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { DataDirLockedError, PermissionError, StoreError } from './errors.js';

/** Options of EmbeddedPostgres.start. */
export interface EmbeddedPostgresOptions {
  /** Connections the socket server accepts; the store uses 1 plus 1 spare. */
  readonly maxConnections?: number;
  /** How long PGlite may take to start (initdb of a new folder takes several seconds). */
  readonly startTimeoutMs?: number;
  /** Receives one line per lifecycle event. */
  readonly log?: (line: string) => void;
}

type WorkerMessage = { type: 'ready'; port: number } | { type: 'error'; message: string; code?: string } | { type: 'stopped' };

/** A running embedded PostgreSQL; `stop()` shuts the worker down and flushes the data folder. */
export class EmbeddedPostgres {
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly worker: Worker,
    /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
    readonly url: string,
    /** The absolute data folder. */
    readonly dataDir: string,
    private readonly lockFile: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts PGlite on `dataDir` (created when missing) in a worker thread and resolves once it accepts connections. */
  static async start(dataDir: string, options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    const dir = path.resolve(dataDir);
    const log = options.log ?? (() => {});
    await ensureWritableDir(dir);
    const lockFile = await lockDataDir(dir);
    try {
      return await EmbeddedPostgres.startWorker(dir, lockFile, options, log);
    } catch (err) {
      await rm(lockFile, { force: true });
      throw err;
    }
  }

  private static async startWorker(dir: string, lockFile: string, options: EmbeddedPostgresOptions, log: (line: string) => void): Promise<EmbeddedPostgres> {
    const worker = createWorker({ dataDir: dir, maxConnections: options.maxConnections ?? 2 });
    const timeoutMs = options.startTimeoutMs ?? 120_000;
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => fail(new StoreError(`embedded PostgreSQL in ${dir} did not start within ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        worker.removeAllListeners();
        void worker.terminate();
        reject(err);
      };
      worker.once('message', (msg: WorkerMessage) => {
        if (msg.type === 'ready') {
          clearTimeout(timer);
          worker.removeAllListeners();
          resolve(msg.port);
        } else if (msg.type === 'error') {
          fail(new StoreError(`embedded PostgreSQL in ${dir} failed to start: ${msg.message}`, { cause: msg }));
        }
      });
      worker.once('error', (err) => fail(new StoreError(`embedded PostgreSQL in ${dir} failed to start: ${err.message}`, { cause: err })));
      worker.once('exit', (code) => fail(new StoreError(`embedded PostgreSQL in ${dir} exited with code ${code} while starting`)));
    });
    const self = new EmbeddedPostgres(worker, `postgres://postgres@127.0.0.1:${port}/postgres`, dir, lockFile, log);
    worker.on('error', (err) => log(`embedded PostgreSQL worker error: ${err.message}`));
    log(`embedded PostgreSQL (PGlite) on 127.0.0.1:${port}, data in ${dir}`);
    return self;
  }

  /** Stops the socket server and closes PGlite cleanly; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const worker = this.worker;
    await new Promise<void>((resolve) => {
      // A clean close writes PGlite's state to the folder; give it time, then terminate in any case.
      const timer = setTimeout(() => {
        this.log(`embedded PostgreSQL in ${this.dataDir} did not stop within 30 s; terminating the worker`);
        resolve();
      }, 30_000);
      worker.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'stopped' || msg.type === 'error') {
          if (msg.type === 'error') this.log(`embedded PostgreSQL stop: ${msg.message}`);
          clearTimeout(timer);
          resolve();
        }
      });
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage({ type: 'stop' });
    });
    await worker.terminate();
    await rm(this.lockFile, { force: true });
  }
}

/**
 * Under tsx (tests, benchmarks) this module is a .ts file and so is the worker; Node 20 does not apply the
 * parent's `--import=tsx` hooks inside workers, so a tiny bootstrap registers tsx there first. From dist the
 * compiled .js worker starts directly.
 */
function createWorker(data: { dataDir: string; maxConnections: number }): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const workerUrl = new URL(fromSource ? './pglite-worker.ts' : './pglite-worker.js', import.meta.url);
  if (!fromSource) return new Worker(workerUrl, { workerData: data });
  // createRequire rather than import.meta.resolve: under mocha, tsx may load this file as CommonJS, where
  // import.meta is only a shim without `resolve`.
  // The ESM build of the API: require.resolve picks the CommonJS one, which cannot register from a worker.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}

/**
 * Creates the folder and proves it writable by writing a probe file. Checking permission bits is not enough:
 * root ignores them, and a read-only mount or a path through a regular file fails only on the real write.
 */
async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    const probe = path.join(dir, `.hlmon-write-probe-${process.pid}`);
    await writeFile(probe, '');
    await rm(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new PermissionError(`data folder ${dir} is not writable: ${code}`, { cause: err });
  }
}

/**
 * Takes the folder's lock file (`hlmon.lock`, holding the owner's pid). PGlite itself does not lock its
 * folder, and two instances writing one folder would corrupt it. A lock left by a dead process is taken over.
 */
async function lockDataDir(dir: string): Promise<string> {
  const file = path.join(dir, 'hlmon.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new PermissionError(`data folder ${dir} is not writable: ${(err as NodeJS.ErrnoException).code}`, { cause: err });
      }
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new DataDirLockedError(`data folder ${dir} is in use by process ${owner}${owner === process.pid ? ' (this process)' : ''}`);
    }
    await rm(file, { force: true });
  }
  throw new DataDirLockedError(`data folder ${dir} is locked (${file}) and the lock could not be taken over`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
