/** The filefd collector: allocated and maximum file handles from /proc/sys/fs/file-nr. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { parseNumber } from '../host-files.js';

/** The filefd collector definition. */
export const filefdCollector: CollectorDefinition = {
  name: 'filefd',
  defaultEnabled: true,
  description: 'Allocated and maximum file handles from /proc/sys/fs/file-nr.',
  create(ctx: CollectorContext): Collector {
    const path = `${ctx.paths.procfs}/sys/fs/file-nr`;
    return {
      collect(out) {
        const f = ctx.files.readText(path).trim().split(/\s+/);
        out.gauge('node_filefd_allocated', 'File descriptor statistics: allocated.', parseNumber(f[0] ?? '', path));
        out.gauge('node_filefd_maximum', 'File descriptor statistics: maximum.', parseNumber(f[2] ?? '', path));
      },
    };
  },
};
