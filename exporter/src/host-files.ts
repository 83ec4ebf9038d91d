/**
 * Reading /proc and /sys. Small pseudo files are read synchronously: for files the kernel generates on
 * read, one readFileSync is a single open/read/close and costs less than the promise machinery of the
 * asynchronous API, which matters because a scrape reads a few hundred of them.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync } from 'node:fs';

/**
 * A scratch buffer for reads. It holds no state between calls: every read below is synchronous, so no two
 * reads can interleave, and one buffer saves an allocation per file on a path that reads hundreds of files.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads a pseudo file with one open, as few reads as its size needs (one, almost always) and one close.
 * readFileSync adds an fstat and a final empty read per file; on virtualised hosts where each syscall costs
 * tens of microseconds that doubles the cost of a scrape.
 */
function readSmall(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === scratch.length) {
        const bigger = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(bigger, 0, 0, length);
        scratch = bigger;
      }
      const n = readSync(fd, scratch, length, scratch.length - length, null);
      length += n;
      // A short read is the end: sysfs attributes come whole, and procfs seq files fill the whole buffer
      // they are given before returning. Only a full buffer means there may be more.
      if (n === 0 || length < scratch.length) break;
    }
    return scratch.toString('latin1', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** Reads a whole text file; errors name the path and keep the cause. */
export function readText(path: string): string {
  try {
    return readSmall(path);
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/** Reads a file and returns its content trimmed, or undefined when it cannot be read (absent attributes are normal in sysfs). */
export function readOptional(path: string): string | undefined {
  try {
    return readSmall(path).trim();
  } catch {
    return undefined;
  }
}

/** Lists a directory, or returns [] when it does not exist. */
export function listDir(path: string): string[] {
  // Checking first is one cheap syscall; a thrown ENOENT costs an Error with a stack trace on every scrape
  // for classes a host simply lacks (no hwmon in a VM).
  if (!existsSync(path)) return [];
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
