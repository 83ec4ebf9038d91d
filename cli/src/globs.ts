/**
 * Expands `rule_files` patterns as Prometheus does (filepath.Glob): `*`, `?` and `[...]` in any path
 * segment. Node 20 has no fs.glob, and this is all rule files need.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** The files matching `pattern` (absolute or relative to `baseDir`), sorted; a plain path is returned as is. */
export async function expandGlob(pattern: string, baseDir: string): Promise<string[]> {
  const abs = path.resolve(baseDir, pattern);
  if (!/[*?[]/.test(abs)) return [abs];
  const parts = abs.split(path.sep);
  let current = [parts[0] === '' ? path.sep : parts[0]!];
  for (const part of parts.slice(1)) {
    if (part === '') continue;
    if (!/[*?[]/.test(part)) { current = current.map((c) => path.join(c, part)); continue; }
    const re = segmentRegExp(part);
    const next: string[] = [];
    for (const dir of current) {
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names) if (re.test(n) && !(n.startsWith('.') && !part.startsWith('.'))) next.push(path.join(dir, n));
    }
    current = next;
  }
  return current.sort();
}

function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      re += '[' + seg.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
