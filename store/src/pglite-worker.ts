/**
 * The worker thread that hosts the embedded PostgreSQL (PGlite) and serves it over the Postgres wire
 * protocol with pglite-socket. It runs in its own thread because PGlite executes every query
 * synchronously inside WebAssembly: on the main thread a long query would stall the event loop of the
 * whole server (scrapes, HTTP, timers).
 *
 * Protocol with the parent (EmbeddedPostgres): workerData `{ dataDir, maxConnections }`; the worker posts
 * `{ type: 'ready', port }` or `{ type: 'error', message, code }`; the parent posts `{ type: 'stop' }` and the
 * worker answers `{ type: 'stopped' }` after the socket server and the database are closed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

interface WorkerInput {
  readonly dataDir: string;
  readonly maxConnections: number;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('pglite-worker must run in a worker thread');
  const input = workerData as WorkerInput;
  let db: PGlite;
  let server: PGLiteSocketServer;
  try {
    db = await PGlite.create(input.dataDir);
    server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: input.maxConnections });
    await server.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    port.postMessage({ type: 'error', message: e?.message ?? String(err), code: e?.code });
    return;
  }
  const conn = server.getServerConn();
  port.postMessage({ type: 'ready', port: Number(conn.slice(conn.lastIndexOf(':') + 1)) });
  port.on('message', (msg: { type: string }) => {
    if (msg.type !== 'stop') return;
    void (async () => {
      try {
        await server.stop();
        await db.close();
        port.postMessage({ type: 'stopped' });
      } catch (err) {
        port.postMessage({ type: 'error', message: (err as Error)?.message ?? String(err) });
      }
      port.close();
    })();
  });
}

void main();
