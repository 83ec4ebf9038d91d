/**
 * Changes to hlmon.yml through the API: a new text is parsed and validated, applied to the running
 * components, and only then written to the file atomically (a temporary file in the same folder renamed
 * over it). A config that fails anywhere is refused whole and the running one stays, in memory and on disk.
 * Edits (targets and checks CRUD) go through the YAML document, so comments and layout survive.
 */
import { rename, writeFile, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseDocument, type Document } from 'yaml';
import { ApiError } from '../errors.js';
import type { ConfigAccess } from './sources.js';
import { redactSecrets, restoreSecrets } from './config-secrets.js';

/** Serialises config changes and keeps the file and the running config in step. */
export class ConfigEditor {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly access: ConfigAccess) {}

  /** The file, or undefined when the config is built in. */
  get file(): string | undefined {
    return this.access.file;
  }

  /** The current config text (from the file when there is one). */
  async text(): Promise<string> {
    return this.access.file ? readFile(this.access.file, 'utf8') : this.access.currentText();
  }

  /** The current config text with its secrets shown as `<secret>` (what the API serves). */
  async redactedText(): Promise<string> {
    return redactSecrets(await this.text());
  }

  /** Validates a text without applying it: the errors, empty when it is valid. `<secret>` stands for the stored value. */
  async validate(text: string): Promise<{ line: number; column: number; key?: string; message: string }[]> {
    let full: string;
    try {
      full = restoreSecrets(text, await this.text());
    } catch (err) {
      if (err instanceof ApiError) return [{ line: 1, column: 1, message: err.message }];
      throw err;
    }
    const r = this.access.parse(full);
    return 'errors' in r ? r.errors.map((e) => ({ line: e.line, column: e.column, ...(e.key ? { key: e.key } : {}), message: e.message })) : [];
  }

  /**
   * Validates, applies and writes a new text; 400 (invalid) or 422 (refused by a component) leave everything
   * as it was. `<secret>` where the served text had it keeps the stored value.
   */
  replace(text: string): Promise<void> {
    return this.serial(async () => this.doReplace(restoreSecrets(text, await this.text())));
  }

  /** Edits the YAML document of the current config and applies the result; `edit` throws ApiError to refuse. */
  edit(edit: (doc: Document) => void): Promise<void> {
    return this.serial(async () => {
      const doc = parseDocument(await this.text());
      if (doc.errors.length > 0) throw new ApiError(409, 'config_invalid', `the current config does not parse: ${doc.errors[0]!.message}`);
      edit(doc);
      await this.doReplace(doc.toString());
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async doReplace(text: string): Promise<void> {
    if (!this.access.file) throw new ApiError(409, 'config_read_only', 'the server runs on its built-in config; start it with --config to manage the config through the API');
    const parsed = this.access.parse(text);
    if ('errors' in parsed) {
      const errors = parsed.errors.map((e) => ({ line: e.line, column: e.column, ...(e.key ? { key: e.key } : {}), message: e.message }));
      const first = errors[0]!;
      throw new ApiError(400, 'config_invalid', `config line ${first.line}:${first.column}: ${first.message}`, { field: 'body.yaml', errors });
    }
    const old = await this.text();
    const applied = await this.access.apply(parsed.config);
    if (applied.errors.length > 0) throw new ApiError(422, 'config_refused', `the config was refused: ${applied.errors[0]}`, { errors: applied.errors });
    try {
      await writeAtomically(this.access.file, text);
    } catch (err) {
      // The file could not be written: go back to what it says, so a restart does not change behaviour.
      const back = this.access.parse(old);
      if ('config' in back) await this.access.apply(back.config);
      throw new Error(`cannot write ${this.access.file}: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** Writes a file by renaming a temporary sibling over it, so a reader never sees half a file. */
export async function writeAtomically(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
