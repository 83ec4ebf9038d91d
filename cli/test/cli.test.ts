import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freshPostgresDatabase } from '@hlmon/testkit';
import { runCli, startCli } from './helpers.js';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hlmon-cli-'));
}

/** Starts `hlmon start` on a free port. */
function startHlmon(args: string[], env: NodeJS.ProcessEnv = {}) {
  return startCli(['start', '--listen', '127.0.0.1:0', ...args], env);
}

describe('hlmon CLI', function () {
  this.timeout(60_000);

  it('prints usage with --help for every command', async () => {
    // In-process: the dispatch and usage text are the same code the binary runs, without a process per command.
    const { main, commands } = await import('@hlmon/cli');
    for (const cmd of commands) {
      const out: string[] = [];
      const write = process.stdout.write;
      process.stdout.write = ((chunk: string) => { out.push(String(chunk)); return true; }) as typeof process.stdout.write;
      let code: number;
      try {
        code = await main([...cmd.name.split(' '), '--help']);
      } finally {
        process.stdout.write = write;
      }
      expect(code, cmd.name).to.equal(0);
      expect(out.join(''), cmd.name).to.match(/^Usage: hlmon /);
    }
  });

  it('rejects an unknown command with exit code 2', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('unknown command "frobnicate"');
  });

  it('rejects an unknown flag naming it', async () => {
    const r = await runCli(['migrate', '--bogus']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("'--bogus'");
  });

  it('prints the version', async () => {
    const r = await runCli(['version']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^hlmon \d+\.\d+\.\d+ \(node v20/);
  });

  it('starts on the embedded database, serves health, readiness and metrics, and stops on SIGTERM', async () => {
    const dataDir = tempDir();
    const h = startHlmon(['--data-dir', dataDir]);
    const url = await h.url;
    const healthy = await fetch(`${url}/-/healthy`);
    expect(healthy.status).to.equal(200);
    const ready = await fetch(`${url}/-/ready`);
    expect(ready.status).to.equal(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).to.match(/^hlmon_build_info\{version="[^"]+"\} 1$/m);
    expect(metrics).to.contain('process_resident_memory_bytes');
    const missing = await fetch(`${url}/api/v1/no/such/endpoint`);
    expect(missing.status).to.equal(404);
    expect(await missing.json()).to.have.nested.property('error.code', 'not_found');
    expect(await h.stop()).to.equal(0);
    expect(fs.readdirSync(dataDir).length, 'the data folder holds the database').to.be.greaterThan(0);
  });

  it('uses the PostgreSQL server named by HLMON_DATABASE_URL and migrates it', async () => {
    const db = await freshPostgresDatabase();
    try {
      const h = startHlmon([], { HLMON_DATABASE_URL: db.url });
      const url = await h.url;
      expect((await fetch(`${url}/-/ready`)).status).to.equal(200);
      expect(await h.stop()).to.equal(0);
      const again = await runCli(['migrate', '--database-url', db.url]);
      expect(again.code).to.equal(0);
      expect(again.stdout).to.contain('database is up to date');
    } finally {
      await db.drop();
    }
  });

  it('fails with one clear line for an unreachable database', async () => {
    const r = await runCli(['migrate', '--database-url', 'postgres://postgres@127.0.0.1:1/nope']);
    expect(r.code).to.equal(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^hlmon migrate: .*127\.0\.0\.1:1.*(refused|ECONNREFUSED)/i);
  });

  it('fails with one clear line for a malformed database URL', async () => {
    const r = await runCli(['migrate', '--database-url', 'not a url']);
    expect(r.code).to.equal(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^hlmon migrate: .*URL/i);
  });

  it('fails with one clear line when the data folder cannot be written', async () => {
    // Tests run as root, which ignores permission bits: a path below a regular file can never be a folder.
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, 'x');
    const r = await runCli(['migrate', '--data-dir', path.join(file, 'data')]);
    expect(r.code).to.equal(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/^hlmon migrate: .*data folder/i);
  });

  it('fails with one clear line when the listen port is taken', async () => {
    const net = await import('node:net');
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['start', '--data-dir', tempDir(), '--listen', `127.0.0.1:${port}`]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(`cannot listen on 127.0.0.1:${port}: address already in use`);
    } finally {
      blocker.close();
    }
  });
});
