/** The textfile collector: metrics from `*.prom` files in a directory, written by cron jobs and scripts. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CollectorError, type Collector, type CollectorContext, type CollectorDefinition } from '../collector.js';
import { parseTextFormat } from '../text-parser.js';

/** The textfile collector definition. */
export const textfileCollector: CollectorDefinition = {
  name: 'textfile',
  defaultEnabled: true,
  description: 'Metrics from *.prom files in --collector.textfile.directory.',
  create(ctx: CollectorContext): Collector {
    const dir = ctx.textfileDirectory;
    return {
      collect(out) {
        const errors: string[] = [];
        const mtime = out.family('node_textfile_mtime_seconds', 'gauge', 'Unixtime mtime of textfiles successfully read.');
        if (dir !== '') {
          let names: string[] = [];
          try {
            names = readdirSync(dir).filter((n) => n.endsWith('.prom')).sort();
          } catch (err) {
            errors.push(`cannot list ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
          }
          for (const name of names) {
            const path = join(dir, name);
            try {
              const stat = statSync(path);
              // node_exporter's HELP for families without one names the file they came from.
              const parsed = parseTextFormat(readFileSync(path, 'utf8'), () => `Metric read from ${path}`);
              out.absorb(parsed);
              // Whole seconds, as node_exporter 1.5 reports it.
              mtime.samples.push({ suffix: '', labels: { file: path }, value: Math.floor(stat.mtimeMs / 1000) });
            } catch (err) {
              // One bad file is skipped whole, so half-written files never export half their metrics.
              errors.push(`${path}: ${(err as Error).message}`);
            }
          }
        }
        out.gauge('node_textfile_scrape_error', '1 if there was an error opening or reading a file, 0 otherwise', errors.length > 0 ? 1 : 0);
        // Unlike node_exporter (which keeps success 1 and only sets scrape_error), a bad file also marks the
        // collector failed, so the failure shows in the one metric every collector has and is logged once.
        if (errors.length > 0) throw new CollectorError(errors.join('; '));
      },
    };
  },
};
