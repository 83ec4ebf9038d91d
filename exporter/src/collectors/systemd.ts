/** The systemd collector: unit states via systemctl (off by default, as in node_exporter). */
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';

const STATES = ['activating', 'active', 'deactivating', 'failed', 'inactive'] as const;
/** node_exporter 1.5's default `--collector.systemd.unit-exclude`. */
const UNIT_EXCLUDE = /^.+\.(automount|device|mount|scope|slice)$/;

async function run(args: string[], signal: AbortSignal): Promise<string> {
  // Loaded on use: this collector is off by default and child_process costs memory every exporter would pay.
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile('systemctl', args, { signal, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`systemctl ${args[0]} failed: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

/** Parses `systemctl list-units --all --plain --no-legend` output into unit name and active state. */
export function parseListUnits(text: string): Array<{ name: string; active: string }> {
  return text.split('\n').map((l) => l.trim().replace(/^●\s*/, '').split(/\s+/)).filter((f) => f.length >= 4).map((f) => ({ name: f[0]!, active: f[2]! }));
}

/** The systemd collector definition. */
export const systemdCollector: CollectorDefinition = {
  name: 'systemd',
  defaultEnabled: false,
  description: 'systemd unit states and whether the system is running (via systemctl; off by default).',
  create(ctx: CollectorContext): Collector {
    void ctx;
    return {
      async collect(out, signal) {
        const units = parseListUnits(await run(['list-units', '--all', '--plain', '--no-legend', '--no-pager'], signal)).filter((u) => !UNIT_EXCLUDE.test(u.name));
        const services = units.filter((u) => u.name.endsWith('.service')).map((u) => u.name);
        const types = new Map<string, string>();
        if (services.length > 0) {
          // One `systemctl show` for all services: node_exporter's `type` label is the service's Type=.
          const shown = await run(['show', '--property=Id,Type', '--', ...services], signal);
          for (const block of shown.split('\n\n')) {
            const id = /^Id=(.*)$/m.exec(block)?.[1];
            const type = /^Type=(.*)$/m.exec(block)?.[1];
            if (id !== undefined) types.set(id, type ?? '');
          }
        }
        for (const u of units) {
          for (const state of STATES) {
            out.gauge('node_systemd_unit_state', 'Systemd unit', u.active === state ? 1 : 0, { name: u.name, state, type: types.get(u.name) ?? '' });
          }
        }
        const running = (await run(['is-system-running'], signal).catch((err: Error) => err.message)).trim();
        out.gauge('node_systemd_system_running', 'Whether the system is operational (see \'systemctl is-system-running\')', running === 'running' ? 1 : 0);
      },
    };
  },
};
