/** Loopback HTTP servers on port 0 for scrape and check tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A started server and its base address. */
export interface TestServer {
  readonly server: http.Server;
  /** `127.0.0.1:port`. */
  readonly address: string;
  close(): Promise<void>;
}

/** Starts a server with the handler on 127.0.0.1, port 0. */
export async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
