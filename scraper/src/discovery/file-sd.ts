/**
 * File-based service discovery (Prometheus's file_sd_configs): JSON or YAML files holding lists of
 * `{ targets, labels }` groups, re-read when the folder changes and every refresh interval. Each group
 * gets `__meta_filepath`. A file that fails to parse keeps its last good groups and reports the error.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { readTargetGroup } from '../config/load.js';
import { ConfigContext, formatConfigError } from '../config/reader.js';
import type { FileSdConfig, TargetGroup } from '../config/types.js';

/** Reads one file_sd file into groups, or throws an Error listing every problem with its position. */
export async function readFileSdFile(file: string): Promise<TargetGroup[]> {
  const text = await readFile(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const ctx = new ConfigContext(file, lines, {});
  for (const e of doc.errors) ctx.errorAt(e.pos[0], '', `syntax: ${e.message.split('\n')[0]}`);
  const groups: TargetGroup[] = [];
  if (ctx.errors.length === 0) {
    const root = doc.contents as Node | null;
    if (root !== null && !isSeq(root)) {
      ctx.error(root, '', 'expected a list of target groups');
    } else if (root !== null) {
      root.items.forEach((item, i) => {
        const g = readTargetGroup(ctx, item as Node, `[${i}]`, `${file}:${i}`);
        if (g) groups.push({ ...g, labels: { ...g.labels, __meta_filepath: file } });
      });
    }
  }
  if (ctx.errors.length > 0) throw new Error(ctx.errors.map(formatConfigError).join('\n'));
  return groups;
}

/** Expands a pattern with `*` in its last path element. */
async function expand(pattern: string): Promise<string[]> {
  const base = path.basename(pattern);
  if (!base.includes('*')) return [pattern];
  const dir = path.dirname(pattern);
  const re = new RegExp('^' + base.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
  try {
    return (await readdir(dir)).filter((f) => re.test(f)).sort().map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

/** Watches the files of one file_sd config and reports the full list of groups on every change. */
export class FileDiscovery {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastGood = new Map<string, TargetGroup[]>();
  private debounce: NodeJS.Timeout | undefined;
  /** Errors of the last refresh, per file. */
  readonly errors = new Map<string, string>();

  constructor(
    private readonly cfg: FileSdConfig,
    private readonly onUpdate: (groups: TargetGroup[]) => void,
    private readonly log?: (level: 'warn', msg: string) => void,
  ) {}

  /** Reads every file now. */
  async refresh(): Promise<TargetGroup[]> {
    const files = (await Promise.all(this.cfg.files.map(expand))).flat();
    const next = new Map<string, TargetGroup[]>();
    for (const f of files) {
      try {
        next.set(f, await readFileSdFile(f));
        this.errors.delete(f);
      } catch (e) {
        const msg = (e as Error).message;
        if (this.errors.get(f) !== msg) this.log?.('warn', `file_sd: ${msg}`);
        this.errors.set(f, msg);
        // A half-written or broken file must not remove its targets: keep the last good read.
        const old = this.lastGood.get(f);
        if (old) next.set(f, old);
      }
    }
    this.lastGood = next;
    const groups = [...next.values()].flat();
    this.onUpdate(groups);
    return groups;
  }

  /** Reads now, then watches the folders and re-reads every refresh interval. */
  async start(): Promise<void> {
    await this.refresh();
    const dirs = new Set(this.cfg.files.map((f) => path.dirname(f)));
    for (const dir of dirs) {
      try {
        const w = watch(dir, () => this.scheduleRefresh());
        w.on('error', () => undefined);
        this.watchers.push(w);
      } catch (e) {
        this.log?.('warn', `file_sd: cannot watch ${dir}: ${(e as Error).message}; relying on refresh_interval`);
      }
    }
    this.timer = setInterval(() => void this.refresh(), this.cfg.refreshIntervalMs);
    this.timer.unref();
  }

  private scheduleRefresh(): void {
    // Editors write files in several steps; wait for them to settle.
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.refresh(), 100);
  }

  /** Stops watching. */
  stop(): void {
    for (const w of this.watchers.splice(0)) w.close();
    clearInterval(this.timer);
    clearTimeout(this.debounce);
  }
}
