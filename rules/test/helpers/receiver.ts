/** A real HTTP server on 127.0.0.1 port 0 that records requests and answers as told (status, delay). */
import { listenOnPort0, type Listening } from '@hlmon/testkit';

/** One recorded request. */
export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: unknown;
}

/** A recording server. Set `status` or `delayMs` to simulate faulty receivers. */
export interface RecordingServer extends Listening {
  requests: Recorded[];
  status: number;
  delayMs: number;
  responseBody: string;
}

/** Starts a recording server. */
export async function recordingServer(): Promise<RecordingServer> {
  const state = { requests: [] as Recorded[], status: 200, delayMs: 0, responseBody: '{"ok":true,"status":1}' };
  const listening = await listenOnPort0((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => {
      let json: unknown;
      try { json = JSON.parse(body); } catch { json = undefined; }
      state.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, json });
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(state.status, { 'content-type': 'application/json' });
        res.end(state.responseBody);
      }, state.delayMs);
    });
  });
  return Object.assign(state, listening, { close: listening.close, url: listening.url, port: listening.port });
}
