/**
 * A PromQL engine for tests and benchmarks backed by a real Prometheus 2.42 (Debian's package): the samples
 * are backfilled with `promtool tsdb create-blocks-from openmetrics`, Prometheus serves them, and this
 * adapter answers the `ApiEngine` contract through Prometheus's HTTP API. It stands in for `@hlmon/query`'s
 * Engine until that lands, and is a real PromQL implementation, so the REST numbers are checked against
 * Prometheus itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { Labels, Matcher, isStaleNaN, type MatchType } from '@hlmon/model';
import type { ApiEngine, ApiQueryResult } from '@hlmon/api';

/** An error answered by Prometheus, with its error type. */
export class PrometheusQueryError extends Error {
  constructor(message: string, readonly errorType: 'bad_data' | 'timeout' | 'canceled' | 'execution') {
    super(message);
    this.name = 'PrometheusQueryError';
  }
}

/** A running Prometheus with backfilled data. */
export interface PrometheusEngine extends ApiEngine {
  readonly url: string;
  /** Stops Prometheus and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * Writes samples (each series in time order) as OpenMetrics for promtool. With `grouped`, the caller
 * promises that samples come family by family and they are streamed; otherwise they are grouped in memory.
 */
export async function writeOpenMetrics(file: string, samples: Iterable<{ labels: Labels; t: number; v: number }>, opts: { grouped?: boolean } = {}): Promise<number> {
  if (opts.grouped) return writeGrouped(file, samples);
  // OpenMetrics wants every family's samples together, so samples are grouped by metric name first.
  const byName = new Map<string, string[]>();
  let n = 0;
  for (const s of samples) {
    if (isStaleNaN(s.v) || Number.isNaN(s.v)) continue;
    const name = s.labels.metricName;
    let lines = byName.get(name);
    if (!lines) byName.set(name, (lines = []));
    const pairs = [...s.labels].filter((l) => l.name !== '__name__').map((l) => `${l.name}=${JSON.stringify(l.value)}`);
    lines.push(`${name}{${pairs.join(',')}} ${s.v} ${(s.t / 1000).toFixed(3)}\n`);
    n++;
  }
  const out = createWriteStream(file);
  for (const [name, lines] of byName) {
    out.write(`# TYPE ${name} unknown\n`);
    for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  }
  out.end('# EOF\n');
  await once(out, 'close');
  return n;
}

async function writeGrouped(file: string, samples: Iterable<{ labels: Labels; t: number; v: number }>): Promise<number> {
  const out = createWriteStream(file);
  let n = 0;
  let family = '';
  let buf = '';
  for (const s of samples) {
    if (isStaleNaN(s.v) || Number.isNaN(s.v)) continue;
    const name = s.labels.metricName;
    if (name !== family) { buf += `# TYPE ${name} unknown\n`; family = name; }
    const pairs = [...s.labels].filter((l) => l.name !== '__name__').map((l) => `${l.name}=${JSON.stringify(l.value)}`);
    buf += `${name}{${pairs.join(',')}} ${s.v} ${(s.t / 1000).toFixed(3)}\n`;
    n++;
    if (buf.length > 1 << 20) { if (!out.write(buf)) await once(out, 'drain'); buf = ''; }
  }
  out.end(buf + '# EOF\n');
  await once(out, 'close');
  return n;
}

/** Backfills the samples into a fresh Prometheus and starts it on a free loopback port. */
export async function startPrometheusEngine(samples: Iterable<{ labels: Labels; t: number; v: number }>, opts: { grouped?: boolean } = {}): Promise<PrometheusEngine> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-prom-'));
  const om = path.join(dir, 'data.om');
  await writeOpenMetrics(om, samples, opts);
  const backfill = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', om, path.join(dir, 'data')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (backfill.status !== 0) throw new Error(`promtool backfill failed: ${backfill.stderr || backfill.stdout}`);
  await rm(om);
  await writeFile(path.join(dir, 'prometheus.yml'), 'global: {}\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=400d', '--query.lookback-delta=5m',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  const call = async (pathAndQuery: string, signal?: AbortSignal): Promise<ApiQueryResult> => {
    let body: { status: string; data?: { resultType: string; result: unknown }; errorType?: string; error?: string };
    try {
      const res = await fetch(url + pathAndQuery, signal ? { signal } : {});
      body = (await res.json()) as typeof body;
    } catch (err) {
      // A cancelled request is the client's doing, not a server fault, and is reported as Prometheus would.
      if (signal?.aborted) {
        const reason = String((signal.reason as Error)?.message ?? signal.reason);
        throw new PrometheusQueryError(reason, /timed out/.test(reason) ? 'timeout' : 'canceled');
      }
      throw err;
    }
    if (body.status !== 'success') throw new PrometheusQueryError(body.error ?? 'query failed', (body.errorType ?? 'execution') as PrometheusQueryError['errorType']);
    return convert(body.data!);
  };
  return {
    url,
    stop,
    instantQuery: (expr, timeMs, opts) => call(`/api/v1/query?${new URLSearchParams({ query: expr, time: String(timeMs / 1000) })}`, opts?.signal),
    rangeQuery: (expr, startMs, endMs, stepMs, opts) =>
      call(`/api/v1/query_range?${new URLSearchParams({ query: expr, start: String(startMs / 1000), end: String(endMs / 1000), step: String(stepMs / 1000) })}`, opts?.signal),
  };
}

function convert(data: { resultType: string; result: unknown }): ApiQueryResult {
  const num = (s: string) => Number(s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : s);
  switch (data.resultType) {
    case 'vector':
      return { resultType: 'vector', result: (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({ labels: Labels.from(r.metric), t: Math.round(r.value[0] * 1000), v: num(r.value[1]) })) };
    case 'matrix':
      return { resultType: 'matrix', result: (data.result as { metric: Record<string, string>; values: [number, string][] }[]).map((r) => ({ labels: Labels.from(r.metric), samples: r.values.map(([t, v]) => ({ t: Math.round(t * 1000), v: num(v) })) })) };
    case 'scalar': {
      const [t, v] = data.result as [number, string];
      return { resultType: 'scalar', result: { t: Math.round(t * 1000), v: num(v) } };
    }
    default: {
      const [t, v] = data.result as [number, string];
      return { resultType: 'string', result: { t: Math.round(t * 1000), v } };
    }
  }
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr()}`);
    try {
      const res = await fetch(url + '/-/ready');
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus did not become ready: ${stderr()}`);
}

/** A free loopback port: Prometheus cannot report a port it picked itself, so the OS picks one here first. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Parses a plain series selector (`name{a="b",c=~"d"}`), enough for the Prometheus API's `match[]` in tests;
 * the real parser comes with `@hlmon/query`.
 */
export function parseSimpleSelector(selector: string): Matcher[] {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*(?:\{(.*)\})?\s*$/s.exec(selector);
  if (!m || (m[1] === undefined && m[2] === undefined)) throw new Error(`cannot parse selector ${JSON.stringify(selector)}`);
  const out: Matcher[] = [];
  if (m[1]) out.push(new Matcher('=', '__name__', m[1]));
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")\s*,?/gy;
  const body = m[2] ?? '';
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    const p = re.exec(body);
    if (!p) throw new Error(`cannot parse matchers in ${JSON.stringify(selector)}`);
    out.push(new Matcher(p[2] as MatchType, p[1]!, JSON.parse(p[3]!) as string));
    pos = re.lastIndex;
  }
  return out;
}
