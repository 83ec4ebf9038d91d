/**
 * `hlmon import FILE`: loads historical data in OpenMetrics format into the store.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { openDatabase } from '../database.js';
import { parse, str, type Command, UsageError } from '../args.js';
import { importOpenMetricsFile } from '../import.js';

/** `hlmon import`. */
export const importCommand: Command = {
  name: 'import',
  summary: 'import historical data from an OpenMetrics file (as promtool create-blocks-from takes)',
  usage: `Usage: hlmon import [options] FILE

Loads samples with explicit timestamps from an OpenMetrics file ending in "# EOF" — the format
'promtool tsdb create-blocks-from openmetrics' takes — through the store's normal write path.
Malformed lines are reported as FILE:LINE:COLUMN and skipped; the exit code is then 1.

Options:
  --database-url URL    PostgreSQL URL (default: $HLMON_DATABASE_URL, else the embedded database)
  --data-dir DIR        folder of the embedded database (default ./data)`,
  async run(argv) {
    const { values, positionals } = parse(argv, { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' } }, true);
    if (positionals.length !== 1) throw new UsageError('name exactly one file to import');
    const file = positionals[0]!;
    const size = (await stat(file).catch((err: Error) => { throw new Error(`cannot read ${file}: ${err.message}`); })).size;
    const url = str(values, 'database-url') ?? (process.env.HLMON_DATABASE_URL || undefined);
    const store = await openDatabase({ databaseUrl: url, dataDir: path.resolve(str(values, 'data-dir') ?? 'data') });
    try {
      await store.migrate();
      const tty = process.stderr.isTTY;
      const started = Date.now();
      let lastShown = tty ? 0 : started;
      let shown = false;
      const summary = await importOpenMetricsFile(file, store, {
        onProgress: (bytes, samples) => {
          const now = Date.now();
          if (now - lastShown < (tty ? 100 : 5000)) return;
          lastShown = now;
          shown = true;
          const pct = size > 0 ? Math.min(100, (100 * bytes) / size) : 100;
          const bar = '#'.repeat(Math.round(pct / 4)).padEnd(25, '.');
          const line = `importing [${bar}] ${pct.toFixed(0).padStart(3)}%  ${samples.toLocaleString('en-US')} samples`;
          process.stderr.write(tty ? `\r${line}` : `${line}\n`);
        },
      });
      if (tty && shown) process.stderr.write('\n');
      for (const e of summary.errors) process.stderr.write(`${file}:${e.line}:${e.column}: ${e.message}\n`);
      if (summary.moreErrors) process.stderr.write(`${file}: more errors not shown\n`);
      const span = summary.minTimeMs === undefined
        ? 'no samples'
        : `${new Date(summary.minTimeMs).toISOString()} .. ${new Date(summary.maxTimeMs!).toISOString()}`;
      process.stdout.write(`imported ${summary.samples.toLocaleString('en-US')} samples of ${summary.series.toLocaleString('en-US')} series (${span}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      return summary.errors.length > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};
