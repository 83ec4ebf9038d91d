import { expect } from 'chai';
import { stat } from 'node:fs/promises';
import pg from 'pg';
import { freshPostgresDatabase, listenOnPort0, rejects, tempDir } from '@hlmon/testkit';

async function databaseExists(name: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await c.connect();
  try {
    return (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await c.end();
  }
}

describe('testkit', () => {
  it('creates a uniquely named database per call and drops it', async () => {
    const [a, b] = await Promise.all([freshPostgresDatabase(), freshPostgresDatabase()]);
    expect(a.name).to.match(new RegExp(`^hlmon_test_${process.pid}_[0-9a-f]{8}$`));
    expect(a.name).to.not.equal(b.name);
    expect(await databaseExists(a.name)).to.equal(true);
    await a.drop();
    await b.drop();
    expect(await databaseExists(a.name)).to.equal(false);
  });

  it('serves a handler on an ephemeral port of 127.0.0.1', async () => {
    const server = await listenOnPort0((_req, res) => res.end('hello'));
    try {
      expect(server.url).to.equal(`http://127.0.0.1:${server.port}`);
      expect(await (await fetch(server.url)).text()).to.equal('hello');
    } finally {
      await server.close();
    }
  });

  it('removes a temporary folder with its contents', async () => {
    const dir = await tempDir();
    expect((await stat(dir.path)).isDirectory()).to.equal(true);
    await dir.remove();
    await rejects(stat(dir.path));
  });

  it('fails rejects() when the promise resolves', async () => {
    const err = await rejects(rejects(Promise.resolve(1)));
    expect(err.message).to.equal('expected a rejection, but the promise resolved with 1');
  });
});
