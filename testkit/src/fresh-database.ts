/**
 * A fresh PostgreSQL database per test run on the machine's server, named so that concurrent runs of
 * other engineers (and other packages) never collide: hlmon_test_<pid>_<random>.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A created database and how to drop it. */
export interface FreshDatabase {
  /** postgres://postgres@127.0.0.1:5432/hlmon_test_... */
  readonly url: string;
  /** The database name. */
  readonly name: string;
  /** Drops the database, terminating connections still open to it. */
  drop(): Promise<void>;
}

/** The server tests use; override with HLMON_TEST_PG (a URL to the maintenance database). */
export function testServerUrl(): string {
  return process.env.HLMON_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Creates an empty database on the test server. */
export async function freshPostgresDatabase(serverUrl: string = testServerUrl()): Promise<FreshDatabase> {
  const name = `hlmon_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.href,
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withAdmin<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
