/** The selinux collector: whether SELinux is enabled and, if so, its current and configured modes. */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';

/** The selinux collector definition. */
export const selinuxCollector: CollectorDefinition = {
  name: 'selinux',
  defaultEnabled: true,
  description: 'SELinux enabled flag and modes from /sys/fs/selinux and /etc/selinux/config.',
  create(ctx: CollectorContext): Collector {
    const enforce = `${ctx.paths.sysfs}/fs/selinux/enforce`;
    const config = `${ctx.paths.rootfs.replace(/\/+$/, '')}/etc/selinux/config`;
    return {
      collect(out) {
        // selinuxfs is mounted exactly when SELinux is enabled, which is what libselinux checks too.
        const current = ctx.files.readOptional(enforce);
        out.gauge('node_selinux_enabled', 'SELinux is enabled, 1 is true, 0 is false', current === undefined ? 0 : 1);
        if (current === undefined) return;
        out.gauge('node_selinux_current_mode', 'SELinux is in enforcing mode, 1 is true, 0 is false', current === '1' ? 1 : 0);
        const configured = /^SELINUX=(\w+)/m.exec(ctx.files.readOptional(config) ?? '')?.[1];
        if (configured !== undefined) out.gauge('node_selinux_config_mode', 'Configured SELinux enforcement mode', configured === 'enforcing' ? 1 : configured === 'permissive' ? 0 : -1);
      },
    };
  },
};
