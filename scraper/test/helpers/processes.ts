/** Real exporters and servers from Debian's packages, started on free loopback ports for a test. */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A running child process. */
export interface Running {
  readonly child: ChildProcess;
  /** stderr so far, for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `bin` and waits until `readyUrl` answers (HTTP status below 500). */
export async function startProcess(bin: string, args: string[], readyUrl: string, timeoutMs = 15_000): Promise<Running> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
  const running: Running = {
    child,
    stderr: () => err,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${bin} exited with ${child.exitCode}: ${err}`);
    try {
      const res = await fetch(readyUrl);
      await res.arrayBuffer();
      if (res.status < 500) return running;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await running.stop();
      throw new Error(`${bin} did not become ready at ${readyUrl}: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
