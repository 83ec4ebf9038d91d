/**
 * Low-level access to the pg connections inside a knex pool. The appender and the querier need a raw
 * `pg.Client` for COPY and for array row mode, which knex's query builder does not expose; borrowing it from
 * knex's own pool keeps one pool (and one connection limit) per store.
 */
import type { Knex } from 'knex';
import pg from 'pg';
import { classifyError, type ErrorContext } from './errors.js';

/** A pg connection borrowed from the knex pool. */
export type RawConnection = pg.Client;

/**
 * Type parsers for one pool: int8 (bigint, OID 20) comes back as a JS number, because series ids and
 * millisecond timestamps fit in 2^53. Set per pool through the client config, never with the global
 * `pg.types.setTypeParser`, which would change every other pg user in the process.
 */
export const poolTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20 && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Runs `fn` with a connection from the knex pool and gives it back afterwards (destroying it when broken). */
export async function withConnection<T>(knex: Knex, context: ErrorContext, fn: (conn: RawConnection) => Promise<T>): Promise<T> {
  // knex's Client has acquireConnection/releaseConnection at runtime but does not type them.
  const client = knex.client as unknown as {
    acquireConnection(): Promise<RawConnection>;
    releaseConnection(conn: RawConnection): Promise<void>;
  };
  let conn: RawConnection;
  try {
    conn = await client.acquireConnection();
  } catch (err) {
    throw classifyError(err, context);
  }
  try {
    return await fn(conn);
  } finally {
    await client.releaseConnection(conn);
  }
}

/** Runs `fn` inside BEGIN/COMMIT on one connection; rolls back and rethrows (classified) on any error. */
export async function inTransaction<T>(knex: Knex, context: ErrorContext, fn: (conn: RawConnection) => Promise<T>): Promise<T> {
  return withConnection(knex, context, async (conn) => {
    try {
      await conn.query('BEGIN');
      const result = await fn(conn);
      await conn.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await conn.query('ROLLBACK');
      } catch {
        // The connection is already broken; the original error says why, and knex discards the connection.
      }
      throw classifyError(err, context);
    }
  });
}
