/**
 * Parsing and redacting PostgreSQL URLs. The URL is checked before any connection attempt so that a typo
 * gives "invalid database URL: ..." at once instead of a confusing socket error later.
 */
import { BadUrlError } from './errors.js';

/** The parts of a database URL the store uses. */
export interface DatabaseUrl {
  /** The URL as given, for the driver. */
  readonly url: string;
  /** The URL with the password removed, safe for logs and `store.url`. */
  readonly redacted: string;
  /** `host:port`, for error messages. */
  readonly address: string;
  /** The database name. */
  readonly database: string;
}

/** Validates a postgres:// URL; throws BadUrlError naming what is wrong. */
export function parseDatabaseUrl(url: string): DatabaseUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new BadUrlError(`invalid database URL: ${JSON.stringify(redactLoose(url))} is not a URL (expected postgres://user@host:5432/database)`, { cause });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new BadUrlError(`invalid database URL: scheme must be postgres:// or postgresql://, not ${parsed.protocol}//`);
  }
  if (parsed.hostname === '') {
    throw new BadUrlError(`invalid database URL: ${JSON.stringify(redact(parsed))} has no host`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database.includes('/')) {
    throw new BadUrlError(`invalid database URL: database name ${JSON.stringify(database)} contains '/'`);
  }
  const port = parsed.port === '' ? '5432' : parsed.port;
  return { url, redacted: redact(parsed), address: `${parsed.hostname}:${port}`, database: database === '' ? 'postgres' : database };
}

/** The URL without its password. */
export function redactUrl(url: string): string {
  try {
    return redact(new URL(url));
  } catch {
    return redactLoose(url);
  }
}

function redact(u: URL): string {
  const copy = new URL(u.href);
  copy.password = '';
  return copy.href;
}

/** Removes anything that looks like `:password@` from a string that is not a valid URL. */
function redactLoose(s: string): string {
  return s.replace(/\/\/([^:/@]*):[^@]*@/, '//$1@');
}
