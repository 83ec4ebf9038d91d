/**
 * Optional TLS on the server port. The certificate and key are read from files and re-read when either
 * changes (a renewal by certbot or a similar tool), without a restart: new connections get the new
 * certificate, open ones keep theirs. A pair that cannot be loaded is reported and the old one stays.
 */
import https from 'node:https';
import { readFileSync, watchFile, unwatchFile } from 'node:fs';
import type { RequestListener } from 'node:http';

/** TLS settings (`server.tls` in hlmon.yml). */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** How often the files are checked for changes; default 10 s. 0 turns watching off. */
  readonly pollMs?: number;
}

/** An HTTPS server whose certificate follows its files. */
export interface TlsServer {
  readonly server: https.Server;
  /** Re-reads the files now; throws (and keeps the old pair) when they cannot be loaded. */
  reload(): void;
  /** Stops watching the files (the server itself is closed by its owner). */
  unwatch(): void;
}

function readPair(files: TlsFiles): { cert: Buffer; key: Buffer } {
  try {
    return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
  } catch (err) {
    throw new Error(`cannot read the TLS certificate or key: ${(err as Error).message}`, { cause: err });
  }
}

/** Creates the HTTPS server; `onReloadError` hears about a changed pair that could not be loaded. */
export function createTlsServer(files: TlsFiles, handler: RequestListener, onReloadError: (err: Error) => void = () => undefined): TlsServer {
  const server = https.createServer({ ...readPair(files), minVersion: 'TLSv1.2' }, handler);
  const reload = () => {
    const pair = readPair(files);
    try {
      server.setSecureContext({ ...pair, minVersion: 'TLSv1.2' });
    } catch (err) {
      throw new Error(`cannot use the TLS certificate ${files.certFile} with key ${files.keyFile}: ${(err as Error).message}`, { cause: err });
    }
  };
  const pollMs = files.pollMs ?? 10_000;
  // watchFile polls stat(), which also notices a file replaced by rename (what renewal tools do).
  const onChange = (cur: { mtimeMs: number }, prev: { mtimeMs: number }) => {
    if (cur.mtimeMs === prev.mtimeMs) return;
    try { reload(); } catch (err) { onReloadError(err as Error); }
  };
  if (pollMs > 0) for (const f of [files.certFile, files.keyFile]) watchFile(f, { interval: pollMs, persistent: false }, onChange);
  return {
    server,
    reload,
    unwatch: () => { for (const f of [files.certFile, files.keyFile]) unwatchFile(f, onChange); },
  };
}
