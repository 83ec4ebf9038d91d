/**
 * `hlmon exporter`: the per-host exporter, the same program as `hlmon-exporter` from the exporter package.
 *
 * The exporter's latency and memory figures depend on V8 flags (see exporter/bin/hlmon-exporter.js) that
 * cannot be switched on inside an already running node, so `hlmon exporter` starts the exporter's own bin
 * as a child node process with those flags and passes signals and the exit code through. It runs in
 * process only when it already has the flags, or when the built bin is missing (a source checkout that was
 * never built), and says so.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXPORTER_BIN_URL, EXPORTER_NODE_FLAGS, exporterUsage, runExporterCli } from '@hlmon/exporter';
import type { Command } from '../args.js';

const FORWARDED = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

/** Runs the exporter bin under node with the exporter's flags; resolves with its exit code. */
function runWithFlags(bin: string, argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...EXPORTER_NODE_FLAGS, bin, ...argv], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    for (const s of FORWARDED) process.on(s, forward);
    const done = (code: number): void => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code);
    };
    child.on('error', (err) => {
      process.stderr.write(`hlmon exporter: cannot start ${process.execPath}: ${err.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1)));
  });
}

/** True when this node already runs with every exporter flag. */
function hasExporterFlags(): boolean {
  return EXPORTER_NODE_FLAGS.every((f) => process.execArgv.includes(f));
}

/** `hlmon exporter`. */
export const exporterCommand: Command = {
  name: 'exporter',
  summary: 'run the per-host exporter (node_exporter-compatible /metrics on :9100)',
  get usage() {
    return exporterUsage().replace(/^usage: hlmon-exporter/i, 'Usage: hlmon exporter').trimEnd();
  },
  run: (argv) => {
    const bin = fileURLToPath(EXPORTER_BIN_URL);
    const builtIndex = fileURLToPath(new URL('../dist/index.js', EXPORTER_BIN_URL));
    if (hasExporterFlags()) return runExporterCli(argv);
    if (!existsSync(builtIndex)) {
      process.stderr.write('hlmon exporter: the exporter package is not built (npm run build); running in process without its memory and latency flags\n');
      return runExporterCli(argv);
    }
    return runWithFlags(bin, argv);
  },
};
