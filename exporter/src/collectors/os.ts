/** The os collector: node_os_info and node_os_version from os-release(5). */
import { statSync } from 'node:fs';
import type { Collector, CollectorContext, CollectorDefinition } from '../collector.js';

/** Parses os-release(5) text: KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m === null) continue;
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) value = value.slice(1, -1).replace(/\\(["'\\$`])/g, '$1');
    fields.set(m[1]!, value);
  }
  return fields;
}

const INFO_LABELS: ReadonlyArray<[string, string]> = [
  ['build_id', 'BUILD_ID'], ['id', 'ID'], ['id_like', 'ID_LIKE'], ['image_id', 'IMAGE_ID'], ['image_version', 'IMAGE_VERSION'],
  ['name', 'NAME'], ['pretty_name', 'PRETTY_NAME'], ['variant', 'VARIANT'], ['variant_id', 'VARIANT_ID'], ['version', 'VERSION'],
  ['version_codename', 'VERSION_CODENAME'], ['version_id', 'VERSION_ID'],
];

/** The os collector definition. */
export const osCollector: CollectorDefinition = {
  name: 'os',
  defaultEnabled: true,
  description: 'Operating system name and version from /etc/os-release (node_os_info, node_os_version).',
  create(ctx: CollectorContext): Collector {
    const candidates = [`${ctx.paths.rootfs.replace(/\/+$/, '')}/etc/os-release`, `${ctx.paths.rootfs.replace(/\/+$/, '')}/usr/lib/os-release`];
    // Re-parse only when the file changes (an upgrade), as node_exporter does.
    let cached: { path: string; mtimeMs: number; fields: Map<string, string> } | undefined;
    return {
      collect(out) {
        let path: string | undefined;
        let mtimeMs = 0;
        for (const p of candidates) {
          try {
            mtimeMs = statSync(p).mtimeMs;
            path = p;
            break;
          } catch {
            // Try the next location.
          }
        }
        if (path === undefined) throw new Error(`no os-release file found at ${candidates.join(' or ')}`);
        if (cached === undefined || cached.path !== path || cached.mtimeMs !== mtimeMs) {
          cached = { path, mtimeMs, fields: parseOsRelease(ctx.files.readText(path)) };
        }
        const f = cached.fields;
        const labels: Record<string, string> = {};
        for (const [label, key] of INFO_LABELS) labels[label] = f.get(key) ?? '';
        out.gauge('node_os_info', "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.", 1, labels);
        const version = /^\d+(\.\d+)?/.exec(f.get('VERSION_ID') ?? '');
        if (version !== null) {
          out.gauge('node_os_version', 'Metric containing the major.minor part of the OS version.', Number(version[0]), {
            id: f.get('ID') ?? '', id_like: f.get('ID_LIKE') ?? '', name: f.get('NAME') ?? '',
          });
        }
      },
    };
  },
};
