import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { systemClock } from '@hlmon/model';
import { Engine, MemoryStorage } from '@hlmon/query';
import { StreamHub, type Authenticator } from '@hlmon/api';
import { LiveStream, type StreamState } from '../src/live-stream.js';

/** Polls until `fn` is true, or fails naming what it waited for. */
async function until(what: string, fn: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LiveStream against the server\'s stream hub', function () {
  this.timeout(20_000);
  let server: http.Server;
  let hub: StreamHub;
  let url: string;
  let sockets: WebSocket[];
  let stream: LiveStream;

  beforeEach(async () => {
    server = http.createServer((_req, res) => { res.statusCode = 404; res.end(); });
    const anyone = { principalFromHeaders: async () => ({ kind: 'anonymous', role: 'viewer' }) } as unknown as Authenticator;
    hub = new StreamHub({ auth: anyone, engine: new Engine({ querier: new MemoryStorage(), clock: systemClock }), clock: systemClock });
    hub.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/stream`;
    sockets = [];
    // The browser's WebSocket and ws's share the surface LiveStream uses (onmessage, onclose, send, readyState).
    stream = new LiveStream(() => url, (u) => {
      const ws = new WebSocket(u);
      sockets.push(ws);
      return ws as unknown as globalThis.WebSocket;
    });
  });
  afterEach(async () => {
    stream.stop();
    await hub.close();
    await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
  });

  it('delivers the events of a watched topic once live', async () => {
    const got: unknown[] = [];
    stream.watch('checks', (data) => got.push(data));
    stream.start();
    await until('live', () => stream.live);
    await until('the subscription', () => hub.stats.clients === 1);
    await new Promise((r) => setTimeout(r, 100));
    hub.publish('checks', { name: 'nas' });
    hub.publish('targets', { job: 'node' });
    await until('the event', () => got.length === 1);
    expect(got).to.deep.equal([{ name: 'nas' }]);
  });

  it('reconnects after a dropped connection and replays the events it missed', async () => {
    const states: StreamState[] = [];
    stream.addEventListener('state', (e) => states.push((e as CustomEvent<StreamState>).detail));
    const got: unknown[] = [];
    stream.watch('alerts', (data) => got.push(data));
    stream.start();
    await until('live', () => stream.live);
    await new Promise((r) => setTimeout(r, 100));
    hub.publish('alerts', { n: 1 });
    await until('the first event', () => got.length === 1);
    let resynced = false;
    stream.addEventListener('resync', () => { resynced = true; });
    sockets[0]!.terminate();
    await until('reconnecting', () => stream.state === 'reconnecting');
    // Published while nobody is connected: only the resume can bring these.
    hub.publish('alerts', { n: 2 });
    hub.publish('alerts', { n: 3 });
    await until('the missed events', () => got.length === 3);
    expect(got).to.deep.equal([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(states).to.deep.equal(['connecting', 'live', 'reconnecting', 'live']);
    expect(resynced, 'a replayed gap needs no full reload').to.equal(false);
  });

  it('asks the pages to reload in full when the server restarted while disconnected', async () => {
    stream.watch('alerts', () => undefined);
    stream.start();
    await until('live', () => stream.live);
    let resynced = false;
    stream.addEventListener('resync', () => { resynced = true; });
    // A new hub is a new epoch, as after a restart: the old sequence numbers mean nothing there.
    await hub.close();
    const anyone = { principalFromHeaders: async () => ({ kind: 'anonymous', role: 'viewer' }) } as unknown as Authenticator;
    hub = new StreamHub({ auth: anyone, engine: new Engine({ querier: new MemoryStorage(), clock: systemClock }), clock: systemClock });
    hub.attach(server);
    await until('reconnected to the new hub', () => stream.live && hub.stats.clients === 1, 10_000);
    await until('resync', () => resynced);
    expect(resynced).to.equal(true);
  });

  it('stops reconnecting once stopped', async () => {
    stream.start();
    await until('live', () => stream.live);
    stream.stop();
    await new Promise((r) => setTimeout(r, 800));
    expect(stream.state).to.equal('stopped');
    expect(sockets).to.have.length(1);
  });
});
