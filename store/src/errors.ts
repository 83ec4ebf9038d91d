/**
 * Typed storage errors. Every failure that leaves the store is a StoreError with a stable `code`, a
 * one-line message that says where and why, and the original error as `cause`. Callers (the CLI, the
 * api's error handler, the scraper's write loop) branch on the class or on `code`, never on message text.
 */

/** Stable codes of StoreError, for callers that serialise errors (the api, logs). */
export type StoreErrorCode =
  | 'STORE_ERROR'
  | 'CONNECTION'
  | 'AUTHENTICATION'
  | 'UNIQUE_VIOLATION'
  | 'QUERY_TIMEOUT'
  | 'PERMISSION'
  | 'BAD_URL'
  | 'MIGRATION'
  | 'SERIALIZATION'
  | 'BAD_INPUT'
  | 'CLOSED'
  | 'LOCKED';

/** Base class of every error the store raises. */
export class StoreError extends Error {
  /** Stable machine-readable code. */
  readonly code: StoreErrorCode;
  /** The PostgreSQL SQLSTATE, when the server reported one. */
  readonly sqlState: string | undefined;

  constructor(message: string, options: { code?: StoreErrorCode; cause?: unknown; sqlState?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'STORE_ERROR';
    this.sqlState = options.sqlState;
  }
}

/** The database cannot be reached, refused the connection, or dropped it. */
export class ConnectionError extends StoreError {
  constructor(message: string, options: { cause?: unknown; sqlState?: string } = {}) {
    super(message, { ...options, code: 'CONNECTION' });
  }
}

/** The server rejected the credentials (SQLSTATE class 28). */
export class AuthenticationError extends StoreError {
  constructor(message: string, options: { cause?: unknown; sqlState?: string } = {}) {
    super(message, { ...options, code: 'AUTHENTICATION' });
  }
}

/** A unique constraint was violated (SQLSTATE 23505). */
export class UniqueViolationError extends StoreError {
  constructor(message: string, options: { cause?: unknown; sqlState?: string } = {}) {
    super(message, { ...options, code: 'UNIQUE_VIOLATION' });
  }
}

/** A statement was cancelled by a timeout or a pool acquire timed out (SQLSTATE 57014). */
export class QueryTimeoutError extends StoreError {
  constructor(message: string, options: { cause?: unknown; sqlState?: string } = {}) {
    super(message, { ...options, code: 'QUERY_TIMEOUT' });
  }
}

/** A file system or database permission is missing: a data folder that is not writable, SQLSTATE 42501. */
export class PermissionError extends StoreError {
  constructor(message: string, options: { cause?: unknown; sqlState?: string } = {}) {
    super(message, { ...options, code: 'PERMISSION' });
  }
}

/** The database URL cannot be used. */
export class BadUrlError extends StoreError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: 'BAD_URL' });
  }
}

/** A schema migration failed; the failed migration's name is in the message. */
export class MigrationError extends StoreError {
  constructor(message: string, options: { cause?: unknown; sqlState?: string } = {}) {
    super(message, { ...options, code: 'MIGRATION' });
  }
}

/** A serialization failure or deadlock (SQLSTATE 40001, 40P01): the transaction may be retried. */
export class SerializationError extends StoreError {
  constructor(message: string, options: { cause?: unknown; sqlState?: string } = {}) {
    super(message, { ...options, code: 'SERIALIZATION' });
  }
}

/** The caller passed something the store cannot write (e.g. a non-integer timestamp). */
export class BadInputError extends StoreError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: 'BAD_INPUT' });
  }
}

/** The embedded database's data folder is in use by another live process. */
export class DataDirLockedError extends StoreError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, code: 'LOCKED' });
  }
}

/** Where an error happened, to put into the message. */
export interface ErrorContext {
  /** `host:port` of the server, for connection errors. */
  readonly address?: string;
  /** What the store was doing, e.g. "committing 5000 samples". */
  readonly doing?: string;
}

const ERRNO_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};

/**
 * Turns anything thrown by pg, knex or node:net into a StoreError. The SQLSTATE decides for server errors,
 * the errno for socket errors; everything else becomes a plain StoreError. StoreErrors pass through.
 */
export function classifyError(err: unknown, context: ErrorContext = {}): StoreError {
  if (err instanceof StoreError) return err;
  const e = (err ?? {}) as { code?: unknown; message?: unknown; name?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const text = typeof e.message === 'string' && e.message !== '' ? e.message : String(err);
  const where = context.address ? ` at ${context.address}` : '';
  const doing = context.doing ? `${context.doing}: ` : '';

  if (code in ERRNO_TEXT) {
    return new ConnectionError(`cannot connect to PostgreSQL${where}: ${ERRNO_TEXT[code]}`, { cause: err });
  }
  if (/timeout expired|connection timeout|timed out/i.test(text) && !/^[0-9A-Z]{5}$/.test(code)) {
    if (e.name === 'KnexTimeoutError') {
      return new QueryTimeoutError(`${doing}timed out waiting for a database connection${where}`, { cause: err });
    }
    return new ConnectionError(`cannot connect to PostgreSQL${where}: connection timed out`, { cause: err });
  }
  if (/Connection terminated|Client has encountered a connection error|not queryable/i.test(text)) {
    return new ConnectionError(`lost the connection to PostgreSQL${where}: ${text}`, { cause: err });
  }
  if (/^[0-9A-Z]{5}$/.test(code)) {
    const opts = { cause: err, sqlState: code };
    const msg = `${doing}${text} (SQLSTATE ${code})`;
    if (code === '23505') return new UniqueViolationError(msg, opts);
    if (code === '57014') return new QueryTimeoutError(`${doing}query cancelled: ${text}`, opts);
    if (code === '42501') return new PermissionError(msg, opts);
    if (code === '40001' || code === '40P01') return new SerializationError(msg, opts);
    if (code.startsWith('28')) return new AuthenticationError(`cannot log in to PostgreSQL${where}: ${text}`, opts);
    if (code.startsWith('08') || code.startsWith('57P') || code === '3D000' || code === '53300') {
      return new ConnectionError(`cannot connect to PostgreSQL${where}: ${text}`, opts);
    }
    return new StoreError(msg, { ...opts, code: 'STORE_ERROR' });
  }
  return new StoreError(`${doing}${text}`, { cause: err });
}
