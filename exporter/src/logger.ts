/**
 * A minimal logger interface; the CLI passes one that writes logfmt lines to stderr, tests pass one that
 * records messages.
 */

/** Receives log messages. */
export interface Logger {
  /** Something the operator should know: a collector started failing, a config problem. */
  warn(message: string): void;
  /** Normal lifecycle events: listening, stopping, a collector recovered. */
  info(message: string): void;
}

/** Log levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A logger writing `level=... msg="..."` lines to stderr, dropping messages below `level`. */
export function stderrLogger(level: LogLevel = 'info'): Logger {
  const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  const min = rank[level] ?? 1;
  const line = (lvl: string, message: string): void => {
    process.stderr.write(`ts=${new Date().toISOString()} level=${lvl} caller=hlmon-exporter msg=${JSON.stringify(message)}\n`);
  };
  return {
    warn: (m) => { if (min <= rank.warn) line('warn', m); },
    info: (m) => { if (min <= rank.info) line('info', m); },
  };
}

/** A logger that records every message; for tests. */
export class MemoryLogger implements Logger {
  /** Recorded messages, prefixed with their level. */
  readonly lines: string[] = [];

  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }

  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
}
