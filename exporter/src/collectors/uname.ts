/** The uname collector: node_uname_info, labelled with what uname(2) returns. */
import { hostname, machine, release, type, version } from 'node:os';
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';

/** The uname collector definition. */
export const unameCollector: CollectorDefinition = {
  name: 'uname',
  defaultEnabled: true,
  description: 'Kernel name, release, version, machine and host name (node_uname_info).',
  create(ctx: CollectorContext): Collector {
    // Only the host name can change while running; the rest is read once.
    const fixed = {
      domainname: ctx.files.readOptional(`${ctx.paths.procfs}/sys/kernel/domainname`) ?? '(none)',
      machine: machine(),
      release: release(),
      sysname: type(),
      version: version(),
    };
    return {
      collect(out) {
        out.gauge('node_uname_info', 'Labeled system information as provided by the uname system call.', 1, {
          domainname: fixed.domainname,
          machine: fixed.machine,
          nodename: hostname(),
          release: fixed.release,
          sysname: fixed.sysname,
          version: fixed.version,
        });
      },
    };
  },
};
