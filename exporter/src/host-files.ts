/**
 * Reading /proc and /sys. Small pseudo files are read synchronously: for files the kernel generates on
 * read, one readFileSync is a single open/read/close and costs less than the promise machinery of the
 * asynchronous API, which matters because a scrape reads a few hundred of them.
 */
import { closeSync, existsSync, openSync, readdirSync, readSync, statfsSync } from 'node:fs';

/** statfs magic numbers of the kernel's generated filesystems, whose files may be read again through a kept descriptor. */
const PROC_SUPER_MAGIC = 0x9fa0;
const SYSFS_MAGIC = 0x62656572;

/** At most this many descriptors are kept; beyond it files are opened per read as before. */
const MAX_KEPT_FDS = 512;

/** A descriptor kept open between scrapes, and the sweep in which it was last read. */
interface KeptFd {
  readonly fd: number;
  lastSweep: number;
}

/**
 * Reads /proc and /sys for the collectors of one exporter.
 *
 * Opening a procfs or sysfs path costs more than generating its content: the path walk goes through the
 * kernel's pseudo filesystems on every component, and open plus close are two of the three syscalls. So a
 * file under a real procfs or sysfs root is opened once and read again from offset 0 with pread, which
 * makes the kernel generate it afresh (seq_file and kernfs restart at position 0). Descriptors not read
 * during a scrape are closed by `sweep`, so interfaces and devices that come and go do not leak them; a
 * kept descriptor whose file went away fails its read and the path is opened again, reporting the real
 * error. Roots that are ordinary directories (test fixtures, a copied tree) are read with a fresh open
 * every time, since their files may be replaced.
 */
export class HostFiles {
  /** A scratch buffer for reads: every read is synchronous, so no two can interleave. */
  private scratch = Buffer.allocUnsafe(64 * 1024);
  private readonly kept = new Map<string, KeptFd>();
  /**
   * Paths `readOptional` found missing, with the sweep of that read. Such a path is asked with existsSync
   * (one access syscall, no exception) before it is opened again: a failed open costs an Error with a stack
   * trace, and a few optional files are missing on every scrape (selinuxfs on a host without SELinux, say).
   * A file that appears is read as soon as existsSync sees it, so nothing is served stale.
   */
  private readonly absent = new Map<string, number>();
  private readonly keepablePrefixes: string[];
  private sweeps = 0;
  /** What `readShared` read since the last sweep, by path. */
  private readonly shared = new Map<string, string>();

  /** @param roots the procfs and sysfs roots; those that are the kernel's own filesystems get kept descriptors */
  constructor(roots: { readonly procfs: string; readonly sysfs: string }) {
    this.keepablePrefixes = [];
    for (const [root, magic] of [[roots.procfs, PROC_SUPER_MAGIC], [roots.sysfs, SYSFS_MAGIC]] as const) {
      try {
        if (statfsSync(root).type === magic) this.keepablePrefixes.push(root.endsWith('/') ? root : root + '/');
      } catch {
        // An absent root simply gets no kept descriptors; its collectors report the missing files themselves.
      }
    }
  }

  /** Reads a whole text file; errors name the path and keep the cause. */
  readText(path: string): string {
    try {
      return this.read(path);
    } catch (err) {
      throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  }

  /**
   * Like readText, but a second caller in the same scrape (before the next sweep) gets the text the first
   * one read: for a file two collectors parse, /proc/stat (cpu and stat), which is one of the costliest to
   * generate. Every scrape still reads it afresh.
   */
  readShared(path: string): string {
    let text = this.shared.get(path);
    if (text === undefined) {
      text = this.readText(path);
      this.shared.set(path, text);
    }
    return text;
  }

  /** Reads a file and returns its content trimmed, or undefined when it cannot be read (absent attributes are normal in sysfs). */
  readOptional(path: string): string | undefined {
    if (this.absent.has(path)) {
      if (!existsSync(path)) {
        this.absent.set(path, this.sweeps);
        return undefined;
      }
      this.absent.delete(path);
    }
    try {
      return this.read(path).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.absent.set(path, this.sweeps);
      return undefined;
    }
  }

  /** Number of descriptors currently kept open; for tests and the docs. */
  keptCount(): number {
    return this.kept.size;
  }

  /** Closes the descriptors not read since the previous sweep; the exporter calls it after every scrape. */
  sweep(): void {
    for (const [path, k] of this.kept) {
      if (k.lastSweep !== this.sweeps) this.forget(path, k);
    }
    for (const [path, sweep] of this.absent) {
      if (sweep !== this.sweeps) this.absent.delete(path);
    }
    this.shared.clear();
    this.sweeps++;
  }

  /** Closes every kept descriptor. The object stays usable; later reads open files again. */
  close(): void {
    for (const [path, k] of this.kept) this.forget(path, k);
    this.absent.clear();
    this.shared.clear();
  }

  private read(path: string): string {
    const known = this.kept.get(path);
    if (known !== undefined) {
      try {
        known.lastSweep = this.sweeps;
        return this.readFd(known.fd, true);
      } catch {
        // The file went away (an interface was removed, say): open the path again below, which either finds
        // a new file of that name or throws the error a fresh open gives.
        this.forget(path, known);
      }
    }
    const fd = openSync(path, 'r');
    if (this.kept.size < MAX_KEPT_FDS && this.isKeepable(path)) {
      try {
        const text = this.readFd(fd, false);
        this.kept.set(path, { fd, lastSweep: this.sweeps });
        return text;
      } catch (err) {
        closeSync(fd);
        throw err;
      }
    }
    try {
      return this.readFd(fd, false);
    } finally {
      closeSync(fd);
    }
  }

  private isKeepable(path: string): boolean {
    for (const prefix of this.keepablePrefixes) if (path.startsWith(prefix)) return true;
    return false;
  }

  private forget(path: string, k: KeptFd): void {
    this.kept.delete(path);
    try {
      closeSync(k.fd);
    } catch {
      // Closing can only fail for a descriptor that is already gone; nothing is left to release.
    }
  }

  /**
   * Reads a pseudo file with as few reads as its size needs (one, almost always). readFileSync adds an
   * fstat and a final empty read per file; on virtualised hosts where each syscall costs tens of
   * microseconds that doubles the cost of a scrape. `fromStart` reads with explicit positions (pread),
   * for a kept descriptor whose file position is past the end of the previous read.
   */
  private readFd(fd: number, fromStart: boolean): string {
    let length = 0;
    for (;;) {
      if (length === this.scratch.length) {
        const bigger = Buffer.allocUnsafe(this.scratch.length * 2);
        this.scratch.copy(bigger, 0, 0, length);
        this.scratch = bigger;
      }
      const n = readSync(fd, this.scratch, length, this.scratch.length - length, fromStart ? length : null);
      length += n;
      // A short read is the end: sysfs attributes come whole, and procfs seq files fill the whole buffer
      // they are given before returning. Only a full buffer means there may be more.
      if (n === 0 || length < this.scratch.length) break;
    }
    return this.scratch.toString('latin1', 0, length);
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
