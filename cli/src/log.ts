/**
 * A small logfmt logger, the format Prometheus and its exporters use, so one log pipeline reads them all.
 * Secrets never reach it: callers log URLs through `redactUrl`.
 */

/** Log levels in increasing severity. */
export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A logger bound to a component. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger for a sub-component. */
  child(component: string): Logger;
}

/** Creates a logger writing logfmt lines to `out` (stderr by default) at `level` and above. */
export function createLogger(options: { level?: Level; component?: string; out?: (line: string) => void } = {}): Logger {
  const min = ORDER[options.level ?? parseLevel(process.env.HLMON_LOG_LEVEL) ?? 'info'];
  const out = options.out ?? ((line: string) => process.stderr.write(line + '\n'));
  const make = (component: string | undefined): Logger => {
    const emit = (level: Level) => (msg: string, fields?: Record<string, unknown>) => {
      if (ORDER[level] < min) return;
      let line = `ts=${new Date().toISOString()} level=${level}`;
      if (component) line += ` component=${component}`;
      line += ` msg=${quote(msg)}`;
      for (const [k, v] of Object.entries(fields ?? {})) if (v !== undefined) line += ` ${k}=${quote(v instanceof Error ? v.message : String(v))}`;
      out(line);
    };
    return {
      debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'),
      child: (c: string) => make(component ? `${component}.${c}` : c),
    };
  };
  return make(options.component);
}

function parseLevel(s: string | undefined): Level | undefined {
  return s === 'debug' || s === 'info' || s === 'warn' || s === 'error' ? s : undefined;
}

function quote(s: string): string {
  return /^[A-Za-z0-9_.:/@+-]+$/.test(s) ? s : JSON.stringify(s);
}

/** A database URL with its password replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable URL>';
  }
}
