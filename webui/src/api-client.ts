/**
 * The UI's only way to the server: JSON over HTTP on the same origin. It also tracks whether the server is
 * reachable, so the shell can say when the connection was lost and when it came back.
 */

/** An error answered by the server (with its JSON error code) or a network failure (status 0). */
export class HttpError extends Error {
  constructor(message: string, readonly status: number, readonly code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpError';
  }
}

/** A sample of a Prometheus range result: [unix seconds, value text]. */
export type PromPoint = [number, string];

/** One series of a Prometheus matrix. */
export interface PromSeries {
  readonly metric: Record<string, string>;
  readonly values: PromPoint[];
}

/** One element of a Prometheus vector. */
export interface PromVectorSample {
  readonly metric: Record<string, string>;
  readonly value: PromPoint;
}

/** Fired on the client when reachability changes. */
export type ConnectionState = 'online' | 'offline';

/** Talks to the hlmon server. One per app, handed to every page. */
export class ApiClient extends EventTarget {
  private state: ConnectionState = 'online';
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  /**
   * `maxQueries` caps PromQL queries in flight. The server evaluates queries on one thread and interleaves
   * them, so fifteen charts sent at once would all finish late; a few at a time lets the first charts
   * draw early while the total time stays about the same.
   */
  constructor(private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init), private readonly baseUrl = '', private readonly maxQueries = 3) {
    super();
  }

  /** Whether the last request reached the server. */
  get connection(): ConnectionState {
    return this.state;
  }

  /** GETs (or sends) JSON; rejects with HttpError carrying the server's error code and message. */
  async json<T>(path: string, init: RequestInit & { signal?: AbortSignal } = {}): Promise<T> {
    let res: Response;
    // X-Requested-With is the server's CSRF check for cookie sessions: a cross-site form cannot set it.
    try {
      res = await this.fetchFn(this.baseUrl + path, { ...init, headers: { Accept: 'application/json', 'X-Requested-With': 'hlmon', ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...init.headers } });
    } catch (err) {
      if ((err as Error).name === 'AbortError') throw err;
      this.setState('offline');
      throw new HttpError('cannot reach the server', 0, 'network', { cause: err });
    }
    this.setState('online');
    // DELETE and logout answer 204 No Content: success without a body.
    if (res.status === 204) return undefined as T;
    let body: unknown;
    try {
      body = await res.json();
    } catch (err) {
      throw new HttpError(`the server answered ${res.status} without JSON`, res.status, 'bad_response', { cause: err });
    }
    if (!res.ok) {
      const b = body as { error?: { code?: string; message?: string } | string; errorType?: string };
      // The REST API answers { error: { code, message } }; the Prometheus API { errorType, error }.
      const message = typeof b.error === 'string' ? b.error : b.error?.message ?? res.statusText;
      const code = typeof b.error === 'string' ? b.errorType ?? 'error' : b.error?.code ?? 'error';
      throw new HttpError(message, res.status, code);
    }
    return body as T;
  }

  /** A Prometheus API call under /prometheus/api/v1; returns its `data`. */
  async prom<T>(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<T> {
    const qs = new URLSearchParams(params).toString();
    const get = () => this.json<{ data: T }>(`/prometheus/api/v1/${path}${qs ? '?' + qs : ''}`, signal ? { signal } : {});
    const body = path === 'query' || path === 'query_range' ? await this.limited(get, signal) : await get();
    return body.data;
  }

  /** Runs `fn` when fewer than `maxQueries` are running, in the order asked. */
  private async limited<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.running >= this.maxQueries) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      signal?.throwIfAborted();
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** An instant query returning a vector. */
  async instant(expr: string, signal?: AbortSignal, timeMs?: number): Promise<PromVectorSample[]> {
    const data = await this.prom<{ resultType: string; result: PromVectorSample[] }>('query', { query: expr, ...(timeMs === undefined ? {} : { time: String(timeMs / 1000) }) }, signal);
    if (data.resultType === 'scalar') {
      const p = data.result as unknown as PromPoint;
      return [{ metric: {}, value: p }];
    }
    return data.result;
  }

  /** A range query returning a matrix. */
  async range(expr: string, startMs: number, endMs: number, stepSeconds: number, signal?: AbortSignal): Promise<PromSeries[]> {
    const data = await this.prom<{ resultType: string; result: PromSeries[] }>('query_range', {
      query: expr, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepSeconds),
    }, signal);
    return data.result;
  }

  private setState(next: ConnectionState): void {
    if (next === this.state) return;
    this.state = next;
    this.dispatchEvent(new CustomEvent<ConnectionState>('connection', { detail: next }));
  }
}
