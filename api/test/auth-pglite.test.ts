import { expect } from 'chai';
import { ManualClock } from '@hlmon/model';
import { openTestStore, type TestStore } from '@hlmon/testkit';
import { sqlMigrations } from '@hlmon/store';
import { API_MIGRATIONS, AuthStore } from '@hlmon/api';

// The zero-setup server runs on the embedded PGlite: the API's tables and statements must work there too.
describe('auth: the API tables on the embedded database (PGlite)', function () {
  this.timeout(60_000);
  let t: TestStore;
  let store: AuthStore;
  const clock = new ManualClock(1_700_000_000_000);
  before(async () => {
    t = await openTestStore('pglite', {
      extraMigrations: sqlMigrations('api', API_MIGRATIONS),
    });
    store = new AuthStore((text, params) => t.store.sql(text, params), clock, 3_600_000);
  });
  after(async () => { await t?.dispose(); });

  it('creates the first admin in one statement and refuses a second', async () => {
    expect(await store.needsSetup()).to.equal(true);
    expect(await store.setupAdmin('admin', 'a long password')).to.include({ username: 'admin', role: 'admin' });
    expect(await store.setupAdmin('other', 'a long password')).to.equal(undefined);
  });

  it('keeps sessions and keys', async () => {
    const user = await store.checkPassword('admin', 'a long password');
    const { sessionId } = await store.createSession(user!.id);
    expect((await store.sessionUser(sessionId))?.username).to.equal('admin');
    const { secret, key } = await store.createKey('k', 'viewer', user!.id);
    expect((await store.useKey(secret))?.id).to.equal(key.id);
    await store.revokeKey(key.id);
    expect(await store.useKey(secret)).to.equal(undefined);
  });

  it('finds the checks of status pages with the jsonb containment operator', async () => {
    await t.store.sql("INSERT INTO api_status_pages (slug, title, description, checks, created_at_ms) VALUES ('home', 'Home', '', $1, 0)", [JSON.stringify(['web'])]);
    const { rows } = await t.store.sql('SELECT 1 FROM api_status_pages WHERE checks ? $1 LIMIT 1', ['web']);
    expect(rows).to.have.length(1);
  });
});
