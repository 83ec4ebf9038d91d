import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { Labels, Matcher } from '@hlmon/model';
import { ENGINES, copyPgliteTemplate, freshPostgresDatabase, listenOnPort0, rejects, tempDir, withStore } from '@hlmon/testkit';
import { BadUrlError, ConnectionError, DataDirLockedError, PermissionError, QueryTimeoutError, UniqueViolationError, classifyError, openStore } from '@hlmon/store';

const T0 = Date.UTC(2026, 10, 26);

for (const engine of ENGINES) {
  describe(`migrations on ${engine}`, () => {
    const ctx = withStore(engine);

    it('apply nothing when run a second time', async () => {
      // withStore has migrated once already.
      expect(await ctx.store.migrate()).to.deep.equal({ applied: [] });
      expect(await ctx.store.migrate()).to.deep.equal({ applied: [] });
    });

    it('create the series and samples tables with a default partition', async () => {
      const rows = (await ctx.store.knex.raw(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('series', 'samples', 'samples_default') ORDER BY 1`)).rows;
      expect(rows.map((r: { tablename: string }) => r.tablename)).to.deep.equal(['samples', 'samples_default', 'series']);
    });

    it('report a duplicate series key as a UniqueViolationError', async () => {
      const insert = () => ctx.store.knex('series').insert({ metric: 'dup', labels: '{"__name__":"dup"}', key: '__name__="dup"' });
      await insert();
      const err = classifyError(await rejects(insert()));
      expect(err).to.be.instanceOf(UniqueViolationError);
      expect(err.sqlState).to.equal('23505');
    });

    it('create daily partitions ahead on request', async () => {
      const day = Date.UTC(2031, 4, 1);
      await ctx.store.ensurePartitions(day, day + 2 * 86_400_000);
      const rows = (await ctx.store.knex.raw(`SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'samples_203105%' ORDER BY 1`)).rows;
      expect(rows.map((r: { relname: string }) => r.relname)).to.deep.equal(['samples_20310501', 'samples_20310502', 'samples_20310503']);
    });

    it('store samples of a new day in that day\'s partition', async () => {
      const app = ctx.store.appender();
      app.append(Labels.from({ __name__: 'partitioned' }), Date.UTC(2030, 0, 2, 12), 1);
      await app.commit();
      const rows = (await ctx.store.knex.raw(`SELECT tableoid::regclass::text AS partition FROM samples WHERE t = ${Date.UTC(2030, 0, 2, 12)}`)).rows;
      expect(rows).to.deep.equal([{ partition: 'samples_20300102' }]);
    });
  });
}

describe('openStore', () => {
  it('opens a migrated store on a fresh PostgreSQL database and reports the URL without password', async () => {
    const db = await freshPostgresDatabase();
    try {
      const url = db.url.replace('postgres@', 'postgres:secret@');
      const store = await openStore({ url });
      try {
        expect(store.engine).to.equal('postgres');
        expect(store.url).to.not.include('secret');
        expect((await store.migrate()).applied).to.deep.equal(['0001_series_and_samples', '0002_write_batches']);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });

  it('keeps PGlite data in its folder across a close and a reopen, and refuses a second opener meanwhile', async function () {
    this.timeout(120_000);
    const dir = await tempDir();
    try {
      // From the initialised template (initdb takes long); what is checked is that writes persist.
      await copyPgliteTemplate(dir.path);
      const first = await openStore({ dataDir: dir.path });
      expect(first.engine).to.equal('pglite');
      await first.migrate();
      const app = first.appender();
      app.append(Labels.from({ __name__: 'persisted', job: 'x' }), T0, 42);
      await app.commit();
      // PGlite does not lock its folder itself; the store's lock file stops a second opener.
      const second = await rejects(openStore({ dataDir: dir.path }));
      expect(second).to.be.instanceOf(DataDirLockedError);
      expect(second.message).to.equal(`data folder ${dir.path} is in use by process ${process.pid} (this process)`);
      await first.close();

      const reopened = await openStore({ dataDir: dir.path });
      try {
        expect(await reopened.migrate()).to.deep.equal({ applied: [] });
        const got = await reopened.querier().select([new Matcher('=', '__name__', 'persisted')], { start: T0, end: T0 });
        expect(got.map((s) => s.samples)).to.deep.equal([[{ t: T0, v: 42 }]]);
      } finally {
        await reopened.close();
      }
    } finally {
      await dir.remove();
    }
  });

  it('returns int8 columns as numbers without changing pg\'s global type parsers', async () => {
    const db = await freshPostgresDatabase();
    const store = await openStore({ url: db.url });
    try {
      const row = (await store.knex.raw('SELECT 9007199254740991::bigint AS big, count(*) AS n FROM pg_class WHERE false')).rows[0];
      expect(row).to.deep.equal({ big: 9007199254740991, n: 0 });
      expect(pg.types.getTypeParser(20, 'text')('42')).to.equal('42');
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it('rejects a URL with the wrong scheme with BadUrlError', async () => {
    const err = await rejects(openStore({ url: 'mysql://root@127.0.0.1/hlmon' }));
    expect(err).to.be.instanceOf(BadUrlError);
    expect(err.message).to.equal('invalid database URL: scheme must be postgres:// or postgresql://, not mysql://');
  });

  it('rejects a string that is not a URL with BadUrlError, without echoing the password', async () => {
    const err = await rejects(openStore({ url: 'postgres://me:hunter2@[bad' }));
    expect(err).to.be.instanceOf(BadUrlError);
    expect(err.message).to.match(/^invalid database URL: .* is not a URL/);
    expect(err.message).to.not.include('hunter2');
  });

  it('fails fast with ConnectionError naming the address when nothing listens on the port', async () => {
    // A port that was just free: listen on port 0, note the port, close.
    const server = await listenOnPort0(() => {});
    const port = server.port;
    await server.close();
    const err = await rejects(openStore({ url: `postgres://postgres@127.0.0.1:${port}/hlmon`, connectTimeoutMs: 2000 }));
    expect(err).to.be.instanceOf(ConnectionError);
    expect(err.message).to.equal(`cannot connect to PostgreSQL at 127.0.0.1:${port}: connection refused`);
    expect((err as ConnectionError).cause).to.have.property('code', 'ECONNREFUSED');
  });

  it('fails with ConnectionError when the server accepts the connection but never answers', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const err = await rejects(openStore({ url: `postgres://postgres@127.0.0.1:${port}/hlmon`, connectTimeoutMs: 300 }));
      expect(err).to.be.instanceOf(ConnectionError);
      expect(err.message).to.equal(`cannot connect to PostgreSQL at 127.0.0.1:${port}: connection timed out`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('fails with ConnectionError when the database does not exist', async () => {
    const err = await rejects(openStore({ url: 'postgres://postgres@127.0.0.1:5432/hlmon_no_such_database_here' }));
    expect(err).to.be.instanceOf(ConnectionError);
    expect(err.message).to.match(/^cannot connect to PostgreSQL at 127\.0\.0\.1:5432: database "hlmon_no_such_database_here" does not exist/);
  });

  it('fails with PermissionError when the data folder cannot be created', async () => {
    // Tests run as root, which ignores permission bits, so chmod cannot make a folder unwritable. A path
    // below a regular file fails for everyone, root included (ENOTDIR), like a read-only mount would (EROFS).
    const dir = await tempDir();
    try {
      const file = path.join(dir.path, 'a-file');
      await writeFile(file, '');
      const err = await rejects(openStore({ dataDir: path.join(file, 'data') }));
      expect(err).to.be.instanceOf(PermissionError);
      expect(err.message).to.equal(`data folder ${path.join(file, 'data')} is not writable: ENOTDIR`);
    } finally {
      await dir.remove();
    }
  });

  it('turns a statement timeout into QueryTimeoutError', async () => {
    const db = await freshPostgresDatabase();
    const store = await openStore({ url: db.url, statementTimeoutMs: 50 });
    try {
      const err = classifyError(await rejects(store.knex.raw('SELECT pg_sleep(2)')));
      expect(err).to.be.instanceOf(QueryTimeoutError);
      expect(err.sqlState).to.equal('57014');
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
