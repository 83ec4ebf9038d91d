import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs `hlmon ARGS` from source in a child process; resolves with its exit code and output. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, opts);
    let stdout = '', stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Spawns `hlmon ARGS` from source (tsx, "source" export condition). */
export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const entry = `import('@hlmon/cli').then(async (m) => { process.exitCode = await m.main(${JSON.stringify(args)}); })`;
  return spawn(process.execPath, ['--conditions=source', '--import=tsx', '--input-type=module', '-e', entry], {
    cwd: opts.cwd ?? root,
    env: { ...process.env, HLMON_DATABASE_URL: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Starts a long-running `hlmon ARGS` (start, server, scraper, api); `url` resolves once it prints that it
 * is running, and rejects if it exits first.
 */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawnCli(args, { env });
  let out = '', err = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /running at (https?:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (d) => (err += d));
    void exited.then((code) => reject(new Error(`hlmon ${args[0]} exited with ${code}: ${err}`)));
  });
  return {
    url,
    exited,
    signal: (sig: NodeJS.Signals) => child.kill(sig),
    /** SIGTERM, then the exit code. */
    stop: async () => { if (child.exitCode === null) child.kill('SIGTERM'); return exited; },
    stderr: () => err,
  };
}

/** A scrape target on port 0 serving one gauge family whose values the test changes in `values` (label → value). */
export async function gaugeTarget(metric: string, label: string, values: Record<string, number>) {
  const { listenOnPort0 } = await import('@hlmon/testkit');
  return listenOnPort0((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(`# TYPE ${metric} gauge\n` + Object.entries(values).map(([k, v]) => `${metric}{${label}="${k}"} ${v}\n`).join(''));
  });
}

/** A webhook receiver on port 0 that pushes every Alertmanager-format body it gets onto `received`. */
export async function webhookReceiver<T>(received: T[]) {
  const { listenOnPort0 } = await import('@hlmon/testkit');
  return listenOnPort0((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => { received.push(JSON.parse(body) as T); res.end('ok'); });
  });
}
