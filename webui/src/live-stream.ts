/**
 * The live-update stream: one WebSocket to /api/v1/stream per app, shared by every page. Pages watch topics
 * (`checks`, `targets`, `alerts`, `series:<PromQL>`); the stream subscribes while anyone watches, resumes
 * after a dropped connection from the last sequence number it saw, and reconnects by itself with a growing
 * delay. While it is not live the pages fall back to polling, so the UI never depends on the socket.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Where the stream is: `live` once the server said hello; `reconnecting` after a drop (or a refusal). */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** What a watcher is called with. */
export type StreamListener = (data: unknown, topic: string) => void;

/** The smallest WebSocket surface the stream uses, so tests can hand in their own. */
export type WebSocketFactory = (url: string) => WebSocket;

interface ServerMessage {
  readonly type: string;
  readonly topic?: string;
  readonly seq?: number;
  readonly epoch?: string;
  readonly data?: unknown;
  readonly message?: string;
}

/** Delays between reconnection attempts: quick at first, then at most every 30 s. */
const BACKOFF_MS = [500, 1000, 2000, 5000, 10_000, 30_000];

/** The WebSocket URL of the stream on the page's own origin. */
export function defaultStreamUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/api/v1/stream`;
}

/**
 * One connection to the server's stream. Fires `state` (detail: StreamState) when the state changes and
 * `resync` when events may have been missed (after a reconnect the server could not replay), so pages
 * reload what they show in full.
 */
export class LiveStream extends EventTarget {
  private current: StreamState = 'stopped';
  private ws: WebSocket | undefined;
  private readonly watchers = new Map<string, Set<StreamListener>>();
  private epoch: string | undefined;
  private seq = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly url: () => string = defaultStreamUrl, private readonly open: WebSocketFactory = (u) => new WebSocket(u)) {
    super();
  }

  /** The current state. */
  get state(): StreamState {
    return this.current;
  }

  /** True when events arrive as they happen, so polling is not needed. */
  get live(): boolean {
    return this.current === 'live';
  }

  /** Opens the connection (idempotent). */
  start(): void {
    if (this.current !== 'stopped') return;
    this.setState('connecting');
    this.connect();
  }

  /** Closes the connection and stops reconnecting. */
  stop(): void {
    clearTimeout(this.retryTimer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000, 'page closed');
    this.setState('stopped');
  }

  /** Calls `listener` for every event of `topic` until the returned function is called. */
  watch(topic: string, listener: StreamListener): () => void {
    let set = this.watchers.get(topic);
    if (!set) {
      set = new Set();
      this.watchers.set(topic, set);
      this.send({ type: 'subscribe', topics: [topic] });
    }
    set.add(listener);
    return () => {
      const s = this.watchers.get(topic);
      if (!s?.delete(listener) || s.size > 0) return;
      this.watchers.delete(topic);
      this.send({ type: 'unsubscribe', topics: [topic] });
    };
  }

  private connect(): void {
    let ws: WebSocket;
    try {
      ws = this.open(this.url());
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') this.onMessage(e.data);
    };
    // A refused upgrade (401 while logged out, 404 on a server without the stream) also ends here; the
    // pages keep polling meanwhile, so retrying slowly costs nothing.
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.current === 'stopped') return;
    this.setState('reconnecting');
    const delayMs = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)]!;
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delayMs);
  }

  private onMessage(text: string): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'hello') {
      this.attempt = 0;
      const reconnect = this.epoch !== undefined;
      const resumable = reconnect && this.epoch === msg.epoch;
      const topics = [...this.watchers.keys()];
      if (topics.length > 0) this.send({ type: 'subscribe', topics, ...(resumable ? { resume: { epoch: this.epoch, seq: this.seq } } : {}) });
      if (!resumable) {
        this.epoch = msg.epoch;
        this.seq = msg.seq ?? 0;
      }
      this.setState('live');
      // Without a resume, whatever happened while disconnected is unknown: everyone reloads once. (On the
      // first connection the pages have just loaded.)
      if (reconnect && !resumable) this.dispatchEvent(new Event('resync'));
      return;
    }
    if (msg.type === 'reset') {
      this.epoch = msg.epoch;
      this.seq = msg.seq ?? this.seq;
      this.dispatchEvent(new Event('resync'));
      return;
    }
    if (msg.type !== 'event' || msg.topic === undefined) return;
    if (typeof msg.seq === 'number' && msg.seq > this.seq) this.seq = msg.seq;
    for (const listener of [...(this.watchers.get(msg.topic) ?? [])]) listener(msg.data, msg.topic);
  }

  private send(msg: unknown): void {
    // 1 is OPEN (spelled out: Node 20, where the tests run, has no global WebSocket).
    if (this.ws?.readyState === 1) this.ws.send(JSON.stringify(msg));
  }

  private setState(next: StreamState): void {
    if (next === this.current) return;
    this.current = next;
    this.dispatchEvent(new CustomEvent<StreamState>('state', { detail: next }));
  }
}

/**
 * Watches topics for a component while it is connected: calls `onEvent` (at most once per `minGapMs`,
 * with the last event's data, so a burst of check results becomes one reload) and `onResync` when the
 * stream (re)connected without being able to replay what was missed.
 */
export class StreamWatch implements ReactiveController {
  private stream: LiveStream | undefined;
  private key = '';
  private unwatch: (() => void)[] = [];
  /** Per topic: when its listener last ran, and the delivery waiting for the gap to end. */
  private readonly lastRunMs = new Map<string, number>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly onResyncEvent = () => this.onResync();

  constructor(
    host: ReactiveControllerHost,
    private readonly getStream: () => LiveStream | undefined,
    private readonly topics: () => string[],
    private readonly onEvent: (data: unknown, topic: string) => void,
    private readonly onResync: () => void,
    private readonly minGapMs = 1000,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const stream = this.getStream();
    const topics = this.topics();
    const key = topics.join('\n');
    if (stream === this.stream && key === this.key) return;
    this.release();
    this.stream = stream;
    this.key = key;
    if (!stream) return;
    stream.addEventListener('resync', this.onResyncEvent);
    this.unwatch = topics.map((t) => stream.watch(t, (data, topic) => this.deliver(data, topic)));
  }

  hostDisconnected(): void {
    this.release();
    this.stream = undefined;
    this.key = '';
  }

  private deliver(data: unknown, topic: string): void {
    const waitMs = (this.lastRunMs.get(topic) ?? 0) + this.minGapMs - Date.now();
    if (waitMs <= 0) {
      this.lastRunMs.set(topic, Date.now());
      this.onEvent(data, topic);
      return;
    }
    // Within the gap only the latest event of a topic matters: it is delivered when the gap is over.
    clearTimeout(this.pending.get(topic));
    this.pending.set(topic, setTimeout(() => {
      this.pending.delete(topic);
      this.lastRunMs.set(topic, Date.now());
      this.onEvent(data, topic);
    }, waitMs));
  }

  private release(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    this.stream?.removeEventListener('resync', this.onResyncEvent);
    for (const u of this.unwatch) u();
    this.unwatch = [];
  }
}
