/**
 * The HTTP side of a scrape: one undici Agent per scrape config (keep-alive, TLS settings), a per-scrape
 * timeout through AbortSignal, auth headers, and the body size limit enforced while the body streams in,
 * so a 10 GB response costs at most `limit` bytes of memory.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import type { Authorization, BasicAuth, TlsConfig } from '../config/types.js';

/** Accept header: we parse the Prometheus text format 0.0.4 (OpenMetrics is a superset we also accept). */
const ACCEPT = 'text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1';

/** Raised for every failed fetch; `message` is what `targets()` shows as the last error. */
export class ScrapeError extends Error {
  override readonly name = 'ScrapeError';
}

/** Settings for one scrape config's client. */
export interface HttpClientOptions {
  readonly tls: TlsConfig;
  readonly basicAuth?: BasicAuth;
  readonly authorization?: Authorization;
  readonly followRedirects: boolean;
  /** Max connections per origin; default unlimited (many targets often share one exporter, e.g. blackbox). */
  readonly connectionsPerOrigin?: number;
}

/** Builds an undici Agent with the TLS settings of a scrape config or check. */
export function createAgent(tls: TlsConfig, connections?: number): Agent {
  const connect: Record<string, unknown> = { rejectUnauthorized: !tls.insecureSkipVerify };
  if (tls.caFile) connect.ca = readFileSync(tls.caFile);
  if (tls.certFile) connect.cert = readFileSync(tls.certFile);
  if (tls.keyFile) connect.key = readFileSync(tls.keyFile);
  if (tls.serverName) connect.servername = tls.serverName;
  // A limit here would queue the scrapes of every target behind one host:port (blackbox_exporter, the
  // benchmark's server) and count the wait against their timeouts; the scheduler already bounds concurrency.
  return new Agent({ keepAliveTimeout: 60_000, connections: connections ?? null, connect });
}

/** One target's HTTP client: fetches a URL's body as text within a timeout and a size limit. */
export class ScrapeHttpClient {
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;

  constructor(private readonly options: HttpClientOptions, agent?: Agent) {
    this.agent = agent ?? createAgent(options.tls, options.connectionsPerOrigin);
    this.dispatcher = options.followRedirects ? this.agent.compose(interceptors.redirect({ maxRedirections: 10 })) : this.agent;
  }

  /** Fetches `url`; resolves with the body text or rejects with a ScrapeError saying what went wrong. */
  async fetch(url: string, timeoutMs: number, bodyLimitBytes: number, signal?: AbortSignal): Promise<{ text: string; contentType: string }> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    const headers: Record<string, string> = {
      accept: ACCEPT,
      'accept-encoding': 'identity',
      'user-agent': 'hlmon-scraper/0.1',
      'x-prometheus-scrape-timeout-seconds': String(timeoutMs / 1000),
    };
    const auth = await this.authHeader();
    if (auth) headers.authorization = auth;
    let res: Dispatcher.ResponseData<unknown>;
    try {
      res = await request(url, {
        dispatcher: this.dispatcher, headers, signal: combined,
      });
    } catch (e) {
      throw new ScrapeError(describeFailure(e, timeout, timeoutMs), { cause: e });
    }
    try {
      if (res.statusCode < 200 || res.statusCode > 299) {
        throw new ScrapeError(`server returned HTTP status ${res.statusCode}`);
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        if (bodyLimitBytes > 0 && bytes > bodyLimitBytes) {
          throw new ScrapeError(`body size limit exceeded (limit ${bodyLimitBytes} bytes)`);
        }
        chunks.push(chunk);
      }
      const ct = res.headers['content-type'];
      return { text: Buffer.concat(chunks, bytes).toString('utf8'), contentType: Array.isArray(ct) ? ct[0] ?? '' : ct ?? '' };
    } catch (e) {
      // Stop reading a body we no longer want so the connection is not reused half-read.
      // destroy() emits 'error' on the body; nobody else listens any more, so swallow it here.
      res.body.on('error', () => undefined);
      res.body.destroy();
      if (e instanceof ScrapeError) throw e;
      throw new ScrapeError(describeFailure(e, timeout, timeoutMs), { cause: e });
    }
  }

  private async authHeader(): Promise<string | undefined> {
    const b = this.options.basicAuth;
    if (b) {
      const password = b.passwordFile ? (await readFile(b.passwordFile, 'utf8')).trim() : b.password ?? '';
      return 'Basic ' + Buffer.from(`${b.username}:${password}`).toString('base64');
    }
    const a = this.options.authorization;
    if (a) {
      const credentials = a.credentialsFile ? (await readFile(a.credentialsFile, 'utf8')).trim() : a.credentials ?? '';
      return `${a.type} ${credentials}`;
    }
    return undefined;
  }

  /** Closes idle connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** A precise, stable error text for a failed request (the cause chain is kept on the error). */
export function describeFailure(e: unknown, timeout: AbortSignal, timeoutMs: number): string {
  if (timeout.aborted) return `scrape timed out after ${timeoutMs}ms`;
  const err = e as Error & { code?: string; cause?: Error & { code?: string } };
  if (err?.name === 'AbortError') return 'scrape aborted';
  const inner = err?.cause && err.cause.message ? err.cause : err;
  const code = (inner as { code?: string }).code ?? err.code;
  const msg = inner?.message ?? String(e);
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return `connection reset: ${msg}`;
  if (code && !msg.includes(code)) return `${msg} (${code})`;
  return msg;
}
