/** HTTP servers on an ephemeral port of 127.0.0.1, so tests never fight over a fixed port. */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server. */
export interface Listening {
  /** http://127.0.0.1:<port> (no trailing slash). */
  readonly url: string;
  /** The port the OS chose. */
  readonly port: number;
  /** Closes the server and its open connections. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 port 0 with a server or a request handler. */
export async function listenOnPort0(serverOrHandler: Server | RequestListener): Promise<Listening> {
  const server = typeof serverOrHandler === 'function' ? createServer(serverOrHandler) : serverOrHandler;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
