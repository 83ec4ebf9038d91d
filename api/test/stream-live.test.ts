import { expect } from 'chai';
import WebSocket from 'ws';
import { startHarness, type Harness } from './v1-harness.js';

interface Msg { type: string; topic?: string; seq?: number; epoch?: string; data?: any; message?: string }

/** A ws client that queues messages and lets tests wait for one matching a predicate. */
class Client {
  readonly messages: Msg[] = [];
  private waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as Msg;
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    });
  }
  next(pred: (m: Msg) => boolean, timeoutMs = 10_000): Promise<Msg> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => { clearTimeout(t); resolve(m); } });
    });
  }
  send(m: unknown): void { this.ws.send(JSON.stringify(m)); }
  close(): void { this.ws.close(); }
}

function connect(url: string, headers: Record<string, string>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace('http', 'ws') + '/api/v1/stream', { headers });
    const c = new Client(ws);
    ws.once('open', () => resolve(c));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`status ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

describe('stream: live updates over WebSocket', function () {
  this.timeout(60_000);
  let h: Harness;
  let auth: Record<string, string>;
  before(async () => {
    h = await startHarness({ streamMaxBufferedBytes: 64 * 1024 });
    auth = { Authorization: `Bearer ${await h.key('viewer')}` };
  });
  after(async () => { await h?.close(); });

  it('refuses a connection without credentials with 401', async () => {
    const err = await connect(h.url, {}).then(() => undefined, (e: { status?: number }) => e);
    expect(err?.status).to.equal(401);
  });

  it('refuses a session cookie sent from a foreign origin with 403', async () => {
    const a = await h.admin();
    const login = await a.post('/api/v1/session').send({ username: 'admin', password: 'correct horse battery' }).expect(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const err = await connect(h.url, { Cookie: cookie, Origin: 'https://evil.example' }).then(() => undefined, (e: { status?: number }) => e);
    expect(err?.status).to.equal(403);
    const ok = await connect(h.url, { Cookie: cookie, Origin: h.url });
    ok.close();
  });

  it('pushes target health within 1 s of a scrape', async () => {
    const c = await connect(h.url, auth);
    c.send({ type: 'subscribe', topics: ['targets'] });
    await c.next((m) => m.type === 'subscribed');
    const scraped = new Promise<{ url: string; atMs: number }>((resolve) => h.scraper.once('scrape', (t) => resolve({ url: t.url, atMs: Date.now() })));
    const s = await scraped;
    const event = await c.next((m) => m.type === 'event' && m.topic === 'targets' && m.data.url === s.url);
    const deliveredAtMs = Date.now();
    expect(event.data.health).to.equal('up');
    expect(deliveredAtMs - s.atMs).to.be.lessThan(1000);
    c.close();
  });

  it('pushes check results', async () => {
    const c = await connect(h.url, auth);
    c.send({ type: 'subscribe', topics: ['checks'] });
    const e = await c.next((m) => m.type === 'event' && m.topic === 'checks');
    expect(e.data).to.include({ name: 'site', up: true });
    c.close();
  });

  it('pushes the latest values of a watched expression after scrapes', async () => {
    const c = await connect(h.url, auth);
    c.send({ type: 'subscribe', topics: ['series:node_load1'] });
    const e = await c.next((m) => m.type === 'event' && m.topic === 'series:node_load1' && m.data.result?.length > 0);
    expect(e.data.result[0].v).to.equal(0.25);
    expect(e.data.result[0].labels).to.include({ job: 'node' });
    c.close();
  });

  it('pushes alert changes, replaying those published before the subscription from the start of the epoch', async () => {
    const c = await connect(h.url, auth);
    const hello = await c.next((m) => m.type === 'hello');
    c.send({ type: 'subscribe', topics: ['alerts'], resume: { epoch: hello.epoch, seq: 0 } });
    const e = await c.next((m) => m.type === 'event' && m.topic === 'alerts' && m.data.labels.alertname === 'NodeUp');
    expect(e.data.state).to.be.oneOf(['pending', 'firing']);
    c.close();
  });

  it('replays missed events to a client that resumes with its last sequence number', async () => {
    const first = await connect(h.url, auth);
    first.send({ type: 'subscribe', topics: ['targets'] });
    const seen = await first.next((m) => m.type === 'event' && m.topic === 'targets');
    first.close();
    // Let a few scrapes happen while disconnected.
    await new Promise<void>((resolve) => { let n = 0; const on = () => { if (++n === 2) { h.scraper.off('scrape', on); resolve(); } }; h.scraper.on('scrape', on); });
    const second = await connect(h.url, auth);
    second.send({ type: 'subscribe', topics: ['targets'], resume: { epoch: seen.epoch ?? (await second.next((m) => m.type === 'hello')).epoch, seq: seen.seq } });
    const subscribed = await second.next((m) => m.type === 'subscribed');
    const replayed = await second.next((m) => m.type === 'event' && m.topic === 'targets' && m.seq! > seen.seq!);
    // Published while the client was away (before it subscribed again), so it came from the replay buffer.
    expect(replayed.seq).to.be.at.most(subscribed.seq!);
    const missed = second.messages.filter((m) => m.type === 'event');
    expect(missed.every((m) => m.seq! > seen.seq!)).to.equal(true);
    second.close();
  });

  it('answers a resume from another server epoch with a reset', async () => {
    const c = await connect(h.url, auth);
    c.send({ type: 'subscribe', topics: ['targets'], resume: { epoch: 'other', seq: 5 } });
    const reset = await c.next((m) => m.type === 'reset');
    expect(reset).to.have.property('reason').that.includes('restarted');
    c.close();
  });

  it('answers a malformed message with an error and keeps the connection', async () => {
    const c = await connect(h.url, auth);
    c.send({ type: 'subscribe', topics: ['everything'] });
    const err = await c.next((m) => m.type === 'error');
    expect(err.message).to.include('everything');
    c.send({ type: 'subscribe', topics: ['checks'] });
    await c.next((m) => m.type === 'subscribed');
    c.close();
  });

  it('drops a client that does not read while another keeps receiving', async () => {
    const slow = await connect(h.url, auth);
    const fast = await connect(h.url, auth);
    slow.send({ type: 'subscribe', topics: ['checks'] });
    fast.send({ type: 'subscribe', topics: ['checks'] });
    await slow.next((m) => m.type === 'subscribed');
    await fast.next((m) => m.type === 'subscribed');
    // Stop reading on the slow client's socket, so the server's send buffer fills.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const closed = new Promise<void>((resolve) => slow.ws.once('close', () => resolve()));
    const before = h.api.streamStats().slowClientsDropped;
    const big = 'x'.repeat(16 * 1024);
    let i = 0;
    while (h.api.streamStats().slowClientsDropped === before && i < 10_000) {
      h.api.stream.publish('checks', { name: 'bulk', i: i++, big });
      await new Promise((r) => setImmediate(r));
    }
    expect(h.api.streamStats().slowClientsDropped).to.equal(before + 1);
    const last = i - 1;
    await fast.next((m) => m.type === 'event' && m.data.name === 'bulk' && m.data.i === last);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
    fast.close();
  });
});

describe('stream: self metrics', () => {
  it('renders its counters in the Prometheus text format', async () => {
    const h = await startHarness();
    try {
      const text = h.api.metricsText();
      expect(text).to.match(/^hlmon_stream_clients 0$/m);
      expect(text).to.match(/^# TYPE hlmon_stream_slow_clients_dropped_total counter$/m);
    } finally {
      await h.close();
    }
  }).timeout(60_000);
});
