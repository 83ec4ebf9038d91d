/**
 * Real Prometheus as an oracle: backfills an OpenMetrics file with promtool into TSDB blocks, starts
 * /usr/bin/prometheus on a free loopback port over them, and queries its HTTP API.
 */
import { spawn, execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** True when Debian's prometheus and promtool are installed. */
export function prometheusAvailable(): boolean {
  return existsSync('/usr/bin/prometheus') && existsSync('/usr/bin/promtool');
}

/** A running Prometheus. */
export interface PrometheusServer {
  readonly url: string;
  /** GETs /api/v1/<path> and returns the parsed JSON body (success or error). */
  api(pathAndQuery: string): Promise<PromResponse>;
  stop(): Promise<void>;
}

/** The JSON body of Prometheus's query API. */
export interface PromResponse {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Backfills `openMetrics` (or nothing, when undefined) and starts Prometheus over it, with the remote-write receiver on. */
export async function startPrometheus(openMetrics: string | undefined): Promise<PrometheusServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hlmon-prom-'));
  const tsdb = path.join(dir, 'tsdb');
  if (openMetrics !== undefined) {
    const file = path.join(dir, 'data.om');
    await writeFile(file, openMetrics);
    await run('/usr/bin/promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, tsdb], { maxBuffer: 1 << 24 });
  }
  await writeFile(path.join(dir, 'prometheus.yml'), 'global:\n  evaluation_interval: 1m\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('/usr/bin/prometheus', [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${tsdb}`,
    '--storage.tsdb.retention.time=100y',
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-remote-write-receiver',
    '--log.level=error',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`prometheus did not become ready: ${stderr}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async api(pathAndQuery) {
      const res = await fetch(`${url}/api/v1/${pathAndQuery}`);
      return (await res.json()) as PromResponse;
    },
    async stop() {
      if (child.exitCode === null) { child.kill('SIGTERM'); await exited; }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
