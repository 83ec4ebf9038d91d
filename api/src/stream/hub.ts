/**
 * The live-update stream at /api/v1/stream. Clients subscribe to topics (`targets`, `checks`, `alerts`, and
 * `series:<PromQL>` for the latest values of an expression) and receive events as JSON. Every event has a
 * sequence number within this server's epoch; a client that reconnects with `resume: { epoch, seq }` gets
 * the events it missed from a ring buffer, or a `reset` when they are gone. Each event is serialised once
 * and written to every subscriber; a client whose socket buffer grows past the limit is dropped, so one
 * slow reader never holds back the others or grows the server's memory.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';
import type { Clock } from '@hlmon/model';
import type { Authenticator } from '../auth/authenticator.js';
import { ApiError } from '../errors.js';
import type { Principal } from '../auth/roles.js';
import type { ApiEngine } from '../prometheus/router.js';

/** The path of the stream. */
export const STREAM_PATH = '/api/v1/stream';

/** Fixed topics; `series:<expr>` topics are per expression. */
export const STREAM_TOPICS = ['targets', 'checks', 'alerts'] as const;

/** Options of the hub. */
export interface StreamHubOptions {
  readonly auth: Authenticator;
  readonly engine: ApiEngine;
  readonly clock: Clock;
  /** Ping interval; a client that has not answered the previous ping is dropped. Default 15 s. */
  readonly heartbeatMs?: number;
  /** Socket buffer above which a client is dropped. Default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** Events kept for resuming. Default 10 000. */
  readonly replayEvents?: number;
  /** Series expressions one client may watch. Default 20. */
  readonly maxSeriesPerClient?: number;
  /** Delay that batches series evaluation after scrapes. Default 100 ms. */
  readonly seriesDebounceMs?: number;
  readonly log?: (line: string) => void;
}

interface Client {
  readonly ws: WebSocket;
  readonly principal: Principal;
  readonly topics: Set<string>;
  alive: boolean;
}

interface StoredEvent {
  readonly seq: number;
  readonly topic: string;
  readonly text: string;
}

/** Counters of the hub, for self metrics. */
export interface StreamStats {
  clients: number;
  eventsPublished: number;
  slowClientsDropped: number;
  seriesEvaluationErrors: number;
}

/** WebSocket fan-out of live events. */
export class StreamHub {
  /** Changes on every start, so a client cannot resume against another process's sequence numbers. */
  readonly epoch = randomBytes(6).toString('hex');
  readonly stats: StreamStats = { clients: 0, eventsPublished: 0, slowClientsDropped: 0, seriesEvaluationErrors: 0 };
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly clients = new Set<Client>();
  private readonly ring: StoredEvent[] = [];
  private seq = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private seriesTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly servers: { server: http.Server; listener: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void }[] = [];

  constructor(private readonly opts: StreamHubOptions) {
    this.heartbeat = setInterval(() => this.beat(), opts.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  /** Handles upgrades to STREAM_PATH on a server; other upgrade requests are left to other listeners. */
  attach(server: http.Server): void {
    const listener = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname !== STREAM_PATH) {
        // Nobody else will answer: end the socket rather than leave it hanging.
        if (server.listenerCount('upgrade') === 1) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      void this.upgrade(req, socket, head);
    };
    server.on('upgrade', listener);
    this.servers.push({ server, listener });
  }

  private async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    let principal: Principal | undefined;
    try {
      const host = req.headers.host ?? '';
      principal = await this.opts.auth.principalFromHeaders(req.headers, [`http://${host}`, `https://${host}`]);
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 500;
      if (!(err instanceof ApiError)) this.opts.log?.(`stream: authentication failed: ${(err as Error).stack ?? String(err)}`);
      socket.end(`HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 401 ? 'Unauthorized' : 'Internal Server Error'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (!principal) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.closed) { socket.destroy(); return; }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, principal));
  }

  private accept(ws: WebSocket, principal: Principal): void {
    const client: Client = { ws, principal, topics: new Set(), alive: true };
    this.clients.add(client);
    this.stats.clients = this.clients.size;
    ws.on('pong', () => { client.alive = true; });
    ws.on('message', (data, isBinary) => this.onMessage(client, isBinary ? '' : data.toString()));
    ws.on('close', () => {
      this.clients.delete(client);
      this.stats.clients = this.clients.size;
    });
    ws.on('error', () => ws.terminate());
    this.send(client, JSON.stringify({ type: 'hello', epoch: this.epoch, seq: this.seq, role: principal.role, topics: STREAM_TOPICS }));
  }

  private onMessage(client: Client, text: string): void {
    let msg: { type?: unknown; topics?: unknown; resume?: { epoch?: unknown; seq?: unknown } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.send(client, JSON.stringify({ type: 'error', message: 'messages must be JSON objects' }));
      return;
    }
    if (msg.type !== 'subscribe' && msg.type !== 'unsubscribe') {
      this.send(client, JSON.stringify({ type: 'error', message: 'type must be "subscribe" or "unsubscribe"' }));
      return;
    }
    const topics = Array.isArray(msg.topics) ? msg.topics : undefined;
    const bad = topics?.find((t) => typeof t !== 'string' || !(STREAM_TOPICS.includes(t as never) || (t.startsWith('series:') && t.length > 7 && t.length <= 1007)));
    if (!topics || bad !== undefined) {
      this.send(client, JSON.stringify({ type: 'error', message: `topics: expected a list of ${STREAM_TOPICS.join(', ')} or series:<PromQL>${bad !== undefined ? `; got ${JSON.stringify(bad)}` : ''}` }));
      return;
    }
    if (msg.type === 'unsubscribe') {
      for (const t of topics as string[]) client.topics.delete(t);
      this.send(client, JSON.stringify({ type: 'subscribed', topics: [...client.topics] }));
      return;
    }
    const series = [...client.topics, ...(topics as string[])].filter((t) => t.startsWith('series:'));
    if (new Set(series).size > (this.opts.maxSeriesPerClient ?? 20)) {
      this.send(client, JSON.stringify({ type: 'error', message: `at most ${this.opts.maxSeriesPerClient ?? 20} series topics per connection` }));
      return;
    }
    for (const t of topics as string[]) client.topics.add(t);
    this.send(client, JSON.stringify({ type: 'subscribed', topics: [...client.topics], epoch: this.epoch, seq: this.seq }));
    if (msg.resume) this.replay(client, msg.resume, new Set(topics as string[]));
    if ((topics as string[]).some((t) => t.startsWith('series:'))) this.seriesChanged();
  }

  private replay(client: Client, resume: { epoch?: unknown; seq?: unknown }, topics: Set<string>): void {
    const since = typeof resume.seq === 'number' ? resume.seq : NaN;
    const oldest = this.ring[0]?.seq ?? this.seq + 1;
    if (resume.epoch !== this.epoch || !Number.isInteger(since) || since < oldest - 1 || since > this.seq) {
      this.send(client, JSON.stringify({ type: 'reset', epoch: this.epoch, seq: this.seq, reason: resume.epoch !== this.epoch ? 'the server restarted' : 'the missed events are no longer kept' }));
      return;
    }
    for (const e of this.ring) if (e.seq > since && topics.has(e.topic)) this.send(client, e.text);
  }

  /** Publishes an event to the subscribers of `topic`. */
  publish(topic: string, data: unknown): void {
    if (this.closed) return;
    const seq = ++this.seq;
    const text = JSON.stringify({ type: 'event', topic, seq, t: this.opts.clock.now(), data });
    this.ring.push({ seq, topic, text });
    if (this.ring.length > (this.opts.replayEvents ?? 10_000)) this.ring.shift();
    this.stats.eventsPublished++;
    for (const c of this.clients) if (c.topics.has(topic)) this.send(c, text);
  }

  /** Schedules re-evaluation of the watched series (after a scrape wrote new samples). */
  seriesChanged(): void {
    if (this.seriesTimer || this.closed) return;
    this.seriesTimer = setTimeout(() => {
      this.seriesTimer = undefined;
      void this.evaluateSeries();
    }, this.opts.seriesDebounceMs ?? 100);
    this.seriesTimer.unref();
  }

  private async evaluateSeries(): Promise<void> {
    const exprs = new Set<string>();
    for (const c of this.clients) for (const t of c.topics) if (t.startsWith('series:')) exprs.add(t.slice(7));
    const now = this.opts.clock.now();
    await Promise.all([...exprs].map(async (expr) => {
      try {
        const r = await this.opts.engine.instantQuery(expr, now);
        const result = r.resultType === 'vector' ? r.result.map((s) => ({ labels: s.labels.toObject(), t: s.t, v: s.v }))
          : r.resultType === 'scalar' ? [{ labels: {}, t: r.result.t, v: r.result.v }] : [];
        this.publish(`series:${expr}`, { expr, result });
      } catch (err) {
        this.stats.seriesEvaluationErrors++;
        this.publish(`series:${expr}`, { expr, error: (err as Error).message });
      }
    }));
  }

  private send(c: Client, text: string): void {
    if (c.ws.readyState !== WebSocket.OPEN) return;
    if (c.ws.bufferedAmount > (this.opts.maxBufferedBytes ?? 1024 * 1024)) {
      this.stats.slowClientsDropped++;
      this.clients.delete(c);
      this.stats.clients = this.clients.size;
      c.ws.terminate();
      return;
    }
    c.ws.send(text);
  }

  private beat(): void {
    const text = JSON.stringify({ type: 'heartbeat', epoch: this.epoch, seq: this.seq, t: this.opts.clock.now() });
    for (const c of this.clients) {
      if (!c.alive) {
        this.clients.delete(c);
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
      this.send(c, text);
    }
    this.stats.clients = this.clients.size;
  }

  /** Closes every connection and stops handling upgrades. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.seriesTimer) clearTimeout(this.seriesTimer);
    for (const { server, listener } of this.servers) server.off('upgrade', listener);
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
    this.clients.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
