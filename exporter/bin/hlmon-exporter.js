#!/usr/bin/env node
// The hlmon-exporter binary: runs the built package (npm run build first).
import { runExporterCli } from '../dist/index.js';

runExporterCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`hlmon-exporter: ${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
