/**
 * bench/exporter: hlmon's exporter against Debian's node_exporter 1.5 on the same machine, with the same
 * collectors enabled on both. Scrapes them alternately at 1 scrape/s (each) and then back-to-back, and
 * prints p50/p99 scrape latency, resident memory and CPU for both, with ratios.
 *
 *   node --conditions=source --import=tsx bench/exporter.ts [--seconds=30] [--back-to-back=300] [--realtime]
 *
 * --realtime runs both exporters (every thread) and this client under SCHED_FIFO priority 10 (chrt, as
 * root): on a machine shared with other work, neither exporter then waits behind other processes for a
 * CPU, which approximates an otherwise idle host. Caches are still shared with the other work.
 *
 * Our exporter runs as its own process from the built dist/ (compiled first with `tsc -b exporter`), as it
 * runs in production, so its memory and CPU are measured without the TypeScript loader.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const seconds = Number(args.get('seconds') ?? 30);
const backToBack = Number(args.get('back-to-back') ?? 300);
const realtime = args.has('realtime');
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
/** The flags of exporter/bin/hlmon-exporter.js's shebang line, read from it so the two cannot drift apart. */
const V8_FLAGS = (/^#!.*?node (.*)$/m.exec(readFileSync(join(root, 'exporter/bin/hlmon-exporter.js'), 'utf8'))?.[1] ?? '').split(' ').filter(Boolean);

/** The collectors both exporters run: ours by default on Linux; node_exporter is told the same list. */
const SHARED = ['arp', 'conntrack', 'cpu', 'cpufreq', 'diskstats', 'entropy', 'filefd', 'filesystem', 'hwmon', 'loadavg', 'meminfo', 'netclass', 'netdev', 'netstat', 'os', 'pressure', 'selinux', 'sockstat', 'softnet', 'stat', 'textfile', 'thermal_zone', 'time', 'uname', 'vmstat'];

interface Target {
  name: string;
  child: ChildProcess;
  url: string;
  latenciesSlowMs: number[];
  latenciesFastMs: number[];
  bytes: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One scrape as Prometheus does it (gzip accepted); resolves with the wall time in ms and the body size. */
function scrape(url: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent, headers: { 'Accept-Encoding': 'gzip', Accept: 'text/plain;version=0.0.4;q=1,*/*;q=0.1' } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => { bytes += c.length; });
      res.on('end', () => (res.statusCode === 200 ? resolve({ ms: performance.now() - started, bytes }) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
    }).on('error', reject).end();
  });
}

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await scrape(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not come up`);
}

/** Resident set size in bytes and CPU seconds (user + system) of a process, from /proc. */
function usage(pid: number): { rssBytes: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssBytes: rssKb * 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', join(root, 'exporter')], { stdio: 'inherit' });
  const ourPort = await freePort();
  const theirPort = await freePort();
  const ours: Target = {
    name: 'hlmon exporter',
    // The same V8 flags as the bin's shebang and the systemd unit.
    child: spawn(process.execPath, [...V8_FLAGS, join(root, 'exporter/bin/hlmon-exporter.js'), `--web.listen-address=127.0.0.1:${ourPort}`, '--log.level=warn'], { stdio: 'inherit' }),
    url: `http://127.0.0.1:${ourPort}/metrics`, latenciesSlowMs: [], latenciesFastMs: [], bytes: 0,
  };
  const theirs: Target = {
    name: 'node_exporter 1.5',
    child: spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${theirPort}`, '--log.level=warn', '--collector.disable-defaults', ...SHARED.map((c) => `--collector.${c}`)], { stdio: 'inherit' }),
    url: `http://127.0.0.1:${theirPort}/metrics`, latenciesSlowMs: [], latenciesFastMs: [], bytes: 0,
  };
  const targets = [ours, theirs];
  try {
    await Promise.all(targets.map((t) => waitUp(t.url)));
    if (realtime) {
      // After the first scrape, so our exporter's collector worker thread exists; threads started later
      // inherit the policy of the thread that starts them.
      for (const pid of [process.pid, ...targets.map((t) => t.child.pid!)]) execFileSync('chrt', ['--all-tasks', '--fifo', '--pid', '10', String(pid)]);
    }
    for (let i = 0; i < 10; i++) for (const t of targets) t.bytes = (await scrape(t.url)).bytes; // Warm-up.
    // Report what each exporter actually ran, from its own node_scrape_collector_success series.
    for (const t of targets) {
      const body = await (await fetch(t.url)).text();
      const names = [...body.matchAll(/^node_scrape_collector_success\{collector="([^"]+)"\} (\d)/gm)].map((m) => (m[2] === '1' ? m[1] : `${m[1]}(failing)`));
      console.log(`${t.name} collectors (${names.length}): ${names.join(', ')}`);
    }
    console.log(`hlmon exporter: node ${V8_FLAGS.join(' ')} exporter/bin/hlmon-exporter.js; node_exporter: ${NODE_EXPORTER} --collector.disable-defaults + the list above`);
    console.log(`phase 1: ${seconds} s at 1 scrape/s per exporter, alternating; phase 2: ${backToBack} back-to-back scrapes per exporter, alternating${realtime ? '; both exporters and the client at SCHED_FIFO 10' : ''}`);
    console.log(`load average before: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

    const before = targets.map((t) => usage(t.child.pid!));
    const startMs = performance.now();
    for (let s = 0; s < seconds; s++) {
      const tickMs = startMs + s * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, tickMs - performance.now())));
      ours.latenciesSlowMs.push((await scrape(ours.url)).ms);
      await new Promise((r) => setTimeout(r, Math.max(0, tickMs + 500 - performance.now())));
      theirs.latenciesSlowMs.push((await scrape(theirs.url)).ms);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, startMs + seconds * 1000 - performance.now())));
    const wallSeconds = (performance.now() - startMs) / 1000;
    const after = targets.map((t) => usage(t.child.pid!));
    const rssSlow = targets.map((t) => usage(t.child.pid!).rssBytes);

    for (let i = 0; i < backToBack; i++) for (const t of targets) t.latenciesFastMs.push((await scrape(t.url)).ms);
    const rssAfterFast = targets.map((t) => usage(t.child.pid!).rssBytes);

    const rows = targets.map((t, i) => ({
      exporter: t.name,
      'gzip body KiB': (t.bytes / 1024).toFixed(1),
      'p50 ms @1/s': percentile(t.latenciesSlowMs, 50).toFixed(2),
      'p99 ms @1/s': percentile(t.latenciesSlowMs, 99).toFixed(2),
      'p50 ms b2b': percentile(t.latenciesFastMs, 50).toFixed(2),
      'p99 ms b2b': percentile(t.latenciesFastMs, 99).toFixed(2),
      'RSS MB @1/s': (rssSlow[i]! / 1e6).toFixed(1),
      'RSS MB after b2b': (rssAfterFast[i]! / 1e6).toFixed(1),
      'CPU % of a core @1/s': ((100 * (after[i]!.cpuSeconds - before[i]!.cpuSeconds)) / wallSeconds).toFixed(2),
    }));
    console.table(rows);
    const ratio = (k: keyof (typeof rows)[number]): string => (Number(rows[0]![k]) / Number(rows[1]![k])).toFixed(2);
    console.table([{
      'p50 @1/s ours/theirs': ratio('p50 ms @1/s'), 'p50 b2b ours/theirs': ratio('p50 ms b2b'), 'p99 b2b ours/theirs': ratio('p99 ms b2b'),
      'RSS ours/theirs': ratio('RSS MB @1/s'), 'CPU ours/theirs': ratio('CPU % of a core @1/s'),
    }]);
    console.log('targets: p50 <= 0.5x node_exporter, RSS <= 64 MB, CPU <= 2% of one core at 1 scrape/s');
  } finally {
    for (const t of targets) t.child.kill('SIGTERM');
    agent.destroy();
  }
}

await main();
