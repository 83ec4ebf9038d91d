/**
 * `hlmon exporter`: the per-host exporter, the same program as `hlmon-exporter` from the exporter package.
 */
import { exporterUsage, runExporterCli } from '@hlmon/exporter';
import type { Command } from '../args.js';

/** `hlmon exporter`. */
export const exporterCommand: Command = {
  name: 'exporter',
  summary: 'run the per-host exporter (node_exporter-compatible /metrics on :9100)',
  get usage() {
    return exporterUsage().replace(/^usage: hlmon-exporter/i, 'Usage: hlmon exporter').trimEnd();
  },
  run: (argv) => runExporterCli(argv),
};
