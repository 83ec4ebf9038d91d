/**
 * Reading /proc and /sys. Small pseudo files are read synchronously: for files the kernel generates on
 * read, one readFileSync is a single open/read/close and costs less than the promise machinery of the
 * asynchronous API, which matters because a scrape reads a few hundred of them.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** Reads a whole text file; errors name the path and keep the cause. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/** Reads a file and returns its content trimmed, or undefined when it cannot be read (absent attributes are normal in sysfs). */
export function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1').trim();
  } catch {
    return undefined;
  }
}

/** Lists a directory, or returns [] when it does not exist. */
export function listDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`cannot list ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/** Parses an integer field, failing with the file and field named when it is not a number. */
export function parseNumber(text: string, where: string): number {
  const v = Number(text);
  if (text === '' || Number.isNaN(v)) throw new Error(`${where}: "${text}" is not a number`);
  return v;
}
