import { expect } from 'chai';
import fs from 'node:fs';
import { EXPORTER_NODE_FLAGS } from '@hlmon/exporter';
import { spawnCli } from './helpers.js';

/** Pids of the live processes whose parent is `ppid` (Linux /proc). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 is the parent pid; the command name (field 2) may hold spaces, so split after its ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push(Number(name));
    } catch { /* the process ended meanwhile */ }
  }
  return out;
}

describe('hlmon exporter', function () {
  this.timeout(30_000);

  it('runs the exporter bin under its own node flags, serves /metrics, and stops it on SIGTERM', async () => {
    const child = spawnCli(['exporter', '--web.listen-address=127.0.0.1:0', '--collector.disable-defaults', '--collector.loadavg']);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let log = '';
    child.stderr!.on('data', (d) => (log += d));
    child.stdout!.on('data', (d) => (log += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (m) { clearInterval(timer); resolve(m[1]!); }
      }, 50);
      void exited.then((code) => { clearInterval(timer); reject(new Error(`exited with ${code}: ${log}`)); });
    });
    try {
      const body = await (await fetch(`${url}/metrics`)).text();
      expect(body).to.match(/^node_load1 \d/m);
      const exporters = childrenOf(child.pid!).map((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
      const exporter = exporters.find((argv) => argv.some((a) => a.endsWith('hlmon-exporter.js')));
      expect(exporter, `children: ${JSON.stringify(exporters)}`).to.not.equal(undefined);
      expect(exporter!.slice(1, 1 + EXPORTER_NODE_FLAGS.length)).to.deep.equal([...EXPORTER_NODE_FLAGS]);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).to.equal(0);
    expect(log).to.contain('stopped');
  });
});
