import { expect } from 'chai';
import { startHarness, type Harness } from './v1-harness.js';

describe('status: public status pages and badges', function () {
  this.timeout(60_000);
  let h: Harness;
  let editor: string;
  before(async () => {
    h = await startHarness();
    editor = `Bearer ${await h.key('editor')}`;
    await h.agent().put('/api/v1/status-pages/home').set('Authorization', editor)
      .send({ title: 'Home <lab>', description: 'Services at home', checks: ['site'] }).expect(200);
    // Wait for a check result and its stored sample (the scraper reports a result before its write buffer
    // has committed it), so the page has a state and today's bar.
    const stored = async () => {
      const q = await h.agent().get('/prometheus/api/v1/query').query({ query: 'count_over_time(probe_success{check="site"}[5m])' }).set('Authorization', editor);
      return (q.body?.data?.result ?? []).length > 0;
    };
    for (let i = 0; i < 100 && !(h.scraper.checks().some((c) => c.lastRunMs > 0) && await stored()); i++) await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => { await h?.close(); });

  it('lists status pages for viewers', async () => {
    const res = await h.agent().get('/api/v1/status-pages').set('Authorization', editor).expect(200);
    expect(res.body.pages).to.deep.equal([{ slug: 'home', title: 'Home <lab>', description: 'Services at home', checks: ['site'] }]);
  });

  it("serves a page's data without credentials, with 90 daily bars per check", async () => {
    const res = await h.agent().get('/api/v1/status/home').expect(200);
    expect(res.body.status).to.equal('operational');
    expect(res.body.checks[0]).to.include({ name: 'site', up: true });
    expect(res.body.checks[0].days).to.have.length(90);
    expect(res.body.checks[0].days.at(-1).ratio).to.equal(1);
  });

  it('serves the page as HTML with its text escaped', async () => {
    const res = await h.agent().get('/status/home').expect(200);
    expect(res.headers['content-type']).to.include('text/html');
    expect(res.text).to.include('Home &lt;lab&gt;').and.include('All systems operational');
    expect(res.text).to.not.include('<script');
  });

  it('answers 404 for a page that does not exist', async () => {
    await h.agent().get('/status/nope').expect(404);
  });

  it('serves a status badge for a check on a public page', async () => {
    const res = await h.agent().get('/badge/site/status.svg').expect(200);
    expect(res.headers['content-type']).to.include('image/svg+xml');
    expect(String(res.body)).to.include('<svg').and.include('>up<');
  });

  it('serves uptime and response time badges', async () => {
    const uptime = await h.agent().get('/badge/site/uptime.svg?window=24h').expect(200);
    expect(String(uptime.body)).to.include('100%');
    const response = await h.agent().get('/badge/site/response.svg').expect(200);
    expect(String(response.body)).to.match(/\d+ ms/);
  });

  it('names a bad badge window', async () => {
    const res = await h.agent().get('/badge/site/uptime.svg?window=1h').expect(400);
    expect(res.body.error.details.field).to.equal('query.window');
  });

  it('answers 404 for a badge of a check on no public page, revealing nothing', async () => {
    await h.agent().put('/api/v1/status-pages/home').set('Authorization', editor).send({ title: 'Home', checks: ['other'] }).expect(200);
    const res = await h.agent().get('/badge/site/status.svg').expect(404);
    expect(res.body.error.message).to.not.include('http');
    await h.agent().put('/api/v1/status-pages/home').set('Authorization', editor).send({ title: 'Home <lab>', description: 'Services at home', checks: ['site'] }).expect(200);
  });

  it('shows an outage on the page and records it as an incident', async () => {
    h.site.status = 500;
    let body: any;
    for (let i = 0; i < 100; i++) {
      body = (await h.agent().get('/api/v1/status/home').expect(200)).body;
      if (body.status === 'down' && body.incidents.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    h.site.status = 200;
    expect(body.status).to.equal('down');
    expect(body.incidents[0]).to.include({ check: 'site', endedAtMs: null });
  });

  it('deletes a page', async () => {
    await h.agent().delete('/api/v1/status-pages/home').set('Authorization', editor).expect(204);
    await h.agent().get('/api/v1/status/home').expect(404);
  });
});
