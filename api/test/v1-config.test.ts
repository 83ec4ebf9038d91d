import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { startHarness, type Harness } from './v1-harness.js';

describe('v1: config apply round trip and the targets and checks that live in it', function () {
  this.timeout(60_000);
  let h: Harness;
  let admin: string;
  let editor: string;
  before(async () => {
    h = await startHarness();
    admin = `Bearer ${await h.key('admin')}`;
    editor = `Bearer ${await h.key('editor')}`;
  });
  after(async () => { await h?.close(); });

  it('serves the running config text and its file, with the receiver webhook URL shown as <secret>', async () => {
    const res = await h.agent().get('/api/v1/config').set('Authorization', admin).expect(200);
    expect(res.body.file).to.equal(h.configFile);
    const file = await readFile(h.configFile, 'utf8');
    const hookUrl = /- url: (\S+)/.exec(file)![1]!;
    expect(res.body.yaml).to.equal(file.replace(hookUrl, '<secret>'));
  });

  it('hides every kind of secret and keeps them through a round trip that changes something else', async () => {
    const original = await readFile(h.configFile, 'utf8');
    const hookUrl = /- url: (\S+)/.exec(original)![1]!;
    const secrets = ['s3cret-basic-pw', 'tok-bearer-1234', 'smtp-pw-5678', 'gotify-app-token'];
    const withSecrets = original
      .replace("  - job_name: node\n", `  - job_name: node\n    basic_auth: { username: prom, password: ${secrets[0]} }\n`)
      .replace(`        - url: ${hookUrl}\n`, `        - url: ${hookUrl}\n          bearer_token: ${secrets[1]}\n`)
      .replace('    - name: hook\n', `    - name: mail\n      email_configs:\n        - { to: me@example.org, from: hlmon@example.org, smarthost: 'localhost:25', auth_username: me, auth_password: ${secrets[2]} }\n    - name: phone\n      gotify_configs:\n        - url: http://gotify.lan\n          token: \${GOTIFY_TOKEN:-${secrets[3]}}\n    - name: hook\n`);
    expect(withSecrets).to.not.equal(original);
    await h.agent().put('/api/v1/config').set('Authorization', admin).send({ yaml: withSecrets }).expect(200);

    const shown = (await h.agent().get('/api/v1/config').set('Authorization', admin).expect(200)).body.yaml as string;
    for (const s of [...secrets.slice(0, 3), hookUrl]) expect(shown).to.not.include(s);
    expect(shown).to.include('password: <secret>');
    expect(shown).to.include('bearer_token: <secret>');
    expect(shown).to.include('auth_password: <secret>');
    // An environment reference is not a secret itself.
    expect(shown).to.include('${GOTIFY_TOKEN:-');
    expect(shown).to.include('http://gotify.lan');

    // The served text, with the scrape interval changed, goes back: every
    // secret keeps its stored value.
    const edited = shown.replace('scrape_interval: 1s', 'scrape_interval: 2s');
    const res = await h.agent().post('/api/v1/config/validate').set('Authorization', admin).send({ yaml: edited }).expect(200);
    expect(res.body).to.deep.equal({ valid: true, errors: [] });
    await h.agent().put('/api/v1/config').set('Authorization', admin).send({ yaml: edited }).expect(200);
    const written = await readFile(h.configFile, 'utf8');
    expect(written).to.include('scrape_interval: 2s');
    for (const s of [...secrets, hookUrl]) expect(written).to.include(s);
    expect(written).to.not.include('<secret>');

    // <secret> where nothing is stored is refused, naming the place, and changes nothing.
    const bad = edited.replace('auth_username: me,', 'auth_username: me, auth_secret: <secret>,');
    const refused = await h.agent().put('/api/v1/config').set('Authorization', admin).send({ yaml: bad }).expect(400);
    expect(refused.body.error.message).to.include('alerting.receivers[mail].email_configs[0].auth_secret');
    expect(await readFile(h.configFile, 'utf8')).to.equal(written);

    await h.agent().put('/api/v1/config').set('Authorization', admin).send({ yaml: original }).expect(200);
  });

  it('validates a config without applying it, listing errors with line and column', async () => {
    const bad = 'global:\n  scrape_interval: often\n';
    const res = await h.agent().post('/api/v1/config/validate').set('Authorization', editor).send({ yaml: bad }).expect(200);
    expect(res.body.valid).to.equal(false);
    expect(res.body.errors[0]).to.include({ line: 2 });
    expect(res.body.errors[0].message).to.be.a('string').and.not.equal('');
  });

  it('refuses a bad config with 400 and keeps the running one, in memory and on disk', async () => {
    const before = await readFile(h.configFile, 'utf8');
    const jobs = h.scraper.targets().map((t) => t.job);
    const res = await h.agent().put('/api/v1/config').set('Authorization', admin).send({ yaml: 'scrape_configs:\n  - job_name: x\n    scrape_interval: -1s\n' }).expect(400);
    expect(res.body.error.code).to.equal('config_invalid');
    expect(res.body.error.details.errors[0].line).to.equal(3);
    expect(await readFile(h.configFile, 'utf8')).to.equal(before);
    expect(h.scraper.targets().map((t) => t.job)).to.deep.equal(jobs);
  });

  it('refuses a config a component rejects with 422 and keeps the running one', async () => {
    const before = await readFile(h.configFile, 'utf8');
    // Valid YAML for the config parser; the rules package refuses a route to a receiver that does not exist.
    const text = before.replace('receiver: hook', 'receiver: nobody');
    expect(text).to.not.equal(before);
    const res = await h.agent().put('/api/v1/config').set('Authorization', admin).send({ yaml: text }).expect(422);
    expect(res.body.error.code).to.equal('config_refused');
    expect(await readFile(h.configFile, 'utf8')).to.equal(before);
  });

  it('applies a good config, writes it to the file and leaves no temporary file behind', async () => {
    const before = await readFile(h.configFile, 'utf8');
    const text = before.replace("job_name: node", "job_name: node2");
    await h.agent().put('/api/v1/config').set('Authorization', admin).send({ yaml: text }).expect(200);
    expect(await readFile(h.configFile, 'utf8')).to.equal(text);
    expect(h.scraper.targets().map((t) => t.job)).to.deep.equal(['node2']);
    expect((await readdir(path.dirname(h.configFile))).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    await h.agent().put('/api/v1/config').set('Authorization', admin).send({ yaml: before }).expect(200);
    expect(h.scraper.targets().map((t) => t.job)).to.deep.equal(['node']);
  });

  it('adds a static target to a new job in the file and starts scraping it', async () => {
    await h.agent().post('/api/v1/targets').set('Authorization', editor).send({ job: 'extra', target: new URL(h.exporter.url).host, labels: { env: 'lab' } }).expect(201);
    expect(await readFile(h.configFile, 'utf8')).to.include('job_name: extra');
    const res = await h.agent().get('/api/v1/targets?job=extra').set('Authorization', editor).expect(200);
    expect(res.body.targets).to.have.length(1);
    expect(res.body.targets[0].labels).to.include({ job: 'extra', env: 'lab' });
  });

  it('refuses the same target twice in a job with 409', async () => {
    await h.agent().post('/api/v1/targets').set('Authorization', editor).send({ job: 'extra', target: new URL(h.exporter.url).host }).expect(409);
  });

  it('removes a static target and keeps the comments of the file', async () => {
    const withComment = (await readFile(h.configFile, 'utf8')).replace('global:', '# my lab\nglobal:');
    await h.agent().put('/api/v1/config').set('Authorization', admin).send({ yaml: withComment }).expect(200);
    await h.agent().delete(`/api/v1/targets?job=extra&target=${encodeURIComponent(new URL(h.exporter.url).host)}`).set('Authorization', editor).expect(204);
    const text = await readFile(h.configFile, 'utf8');
    expect(text).to.include('# my lab');
    expect(h.scraper.targets().filter((t) => t.job === 'extra')).to.deep.equal([]);
  });

  it('adds, changes and deletes a check through the file', async () => {
    await h.agent().post('/api/v1/checks').set('Authorization', editor)
      .send({ name: 'site2', type: 'http', target: h.site.url, intervalSeconds: 5, expectedStatus: [200, 204], keyword: 'hello' }).expect(201);
    expect(h.scraper.checks().map((c) => c.name)).to.include('site2');
    await h.agent().patch('/api/v1/checks/site2').set('Authorization', editor).send({ intervalSeconds: 7 }).expect(200);
    expect(h.scraper.checks().find((c) => c.name === 'site2')!.intervalMs).to.equal(7000);
    await h.agent().delete('/api/v1/checks/site2').set('Authorization', editor).expect(204);
    expect(h.scraper.checks().map((c) => c.name)).to.not.include('site2');
  });

  it('refuses a check the config validation rejects and leaves the file as it was', async () => {
    const before = await readFile(h.configFile, 'utf8');
    const res = await h.agent().post('/api/v1/checks').set('Authorization', editor).send({ name: 'bad', type: 'http', target: 'not-a-url' }).expect(400);
    expect(res.body.error.message).to.include('http');
    expect(await readFile(h.configFile, 'utf8')).to.equal(before);
  });

  it('refuses a duplicate check name with 409', async () => {
    const res = await h.agent().post('/api/v1/checks').set('Authorization', editor).send({ name: 'site', type: 'tcp', target: 'localhost:1' }).expect(409);
    expect(res.body.error.details.field).to.equal('body.name');
  });
});
