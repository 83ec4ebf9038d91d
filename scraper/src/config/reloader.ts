/**
 * Reloads hlmon.yml on SIGHUP and when the file changes. A new config that fails validation, or that
 * the component cannot apply, is rejected with its errors logged; the running config stays.
 */
import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { loadConfigFile } from './load.js';
import { formatConfigError } from './reader.js';
import type { HlmonConfig } from './types.js';

/** Outcome of one reload. */
export interface ReloadResult {
  readonly ok: boolean;
  readonly errors: readonly string[];
}

/** Options of the reloader. */
export interface ConfigReloaderOptions {
  readonly file: string;
  /** Applies a validated config; returns errors when it could not (the old config then stays). */
  readonly apply: (cfg: HlmonConfig) => Promise<{ errors: readonly string[] }>;
  readonly log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
  /** Listen for SIGHUP on this process (the CLI's main turns this on; tests leave it off). */
  readonly onSighup?: boolean;
  /** Watch the file for changes. */
  readonly watchFile?: boolean;
  /** Env for `${VAR}` substitution. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Watches and reloads a config file. */
export class ConfigReloader {
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly onSignal = (): void => void this.reload();
  private chain: Promise<ReloadResult> = Promise.resolve({ ok: true, errors: [] });
  /** The last reload's result. */
  last: ReloadResult = { ok: true, errors: [] };

  constructor(private readonly opts: ConfigReloaderOptions) {}

  /** Starts listening. */
  start(): void {
    if (this.opts.onSighup) process.on('SIGHUP', this.onSignal);
    if (this.opts.watchFile ?? true) {
      // Watch the folder: editors replace files (rename), which ends a watch on the file itself.
      const dir = path.dirname(path.resolve(this.opts.file));
      const base = path.basename(this.opts.file);
      this.watcher = watch(dir, (_event, name) => {
        if (name !== null && name !== base) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.reload(), 200);
      });
      this.watcher.on('error', () => undefined);
    }
  }

  /** Loads, validates and applies the file now. Never throws. */
  reload(): Promise<ReloadResult> {
    this.chain = this.chain.then(async () => {
      const r = await loadConfigFile(this.opts.file, this.opts.env ? { env: this.opts.env } : {});
      let result: ReloadResult;
      if (r.errors) {
        result = { ok: false, errors: r.errors.map(formatConfigError) };
      } else {
        try {
          const applied = await this.opts.apply(r.config);
          result = { ok: applied.errors.length === 0, errors: applied.errors };
        } catch (e) {
          result = { ok: false, errors: [(e as Error).message] };
        }
      }
      if (result.ok) this.opts.log?.('info', `reloaded ${this.opts.file}`);
      else this.opts.log?.('error', `rejected new ${this.opts.file}, keeping the running config:\n${result.errors.join('\n')}`);
      this.last = result;
      return result;
    });
    return this.chain;
  }

  /** Stops listening. */
  stop(): void {
    process.off('SIGHUP', this.onSignal);
    this.watcher?.close();
    clearTimeout(this.debounce);
  }
}
