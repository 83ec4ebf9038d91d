/** The entropy collector: available entropy and pool size from /proc/sys/kernel/random. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';
import { parseNumber } from '../host-files.js';

/** The entropy collector definition. */
export const entropyCollector: CollectorDefinition = {
  name: 'entropy',
  defaultEnabled: true,
  description: 'Available entropy and pool size from /proc/sys/kernel/random.',
  create(ctx: CollectorContext): Collector {
    const available = `${ctx.paths.procfs}/sys/kernel/random/entropy_avail`;
    const poolsize = `${ctx.paths.procfs}/sys/kernel/random/poolsize`;
    // The pool size is a kernel constant; read it once.
    let pool: string | undefined;
    return {
      collect(out) {
        out.gauge('node_entropy_available_bits', 'Bits of available entropy.', parseNumber(ctx.files.readText(available).trim(), available));
        pool ??= ctx.files.readOptional(poolsize);
        if (pool !== undefined) out.gauge('node_entropy_pool_size_bits', 'Bits of entropy pool.', parseNumber(pool, poolsize));
      },
    };
  },
};
