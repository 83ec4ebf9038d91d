import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, WEBUI_DIR, type TestServer } from './support/test-server.js';
import { Labels } from '@hlmon/model';
import { generateChecks, generateHosts, type GeneratedSample, type HostSpec, type CheckSpec } from './support/host-data.js';
import type { StandInCheck } from './support/pending-endpoints.js';

const MINUTE = 60_000;
const NOW = Date.now();
const HOSTS: HostSpec[] = [
  { instance: 'alpha:9100', hostname: 'alpha', containers: 3, seed: 1 },
  { instance: 'beta:9100', hostname: 'beta', seed: 2 },
  { instance: 'gamma:9100', hostname: 'gamma', seed: 3, downFromMs: NOW - 20 * MINUTE },
];
const CHECKS: CheckSpec[] = [
  { check: 'nas-web', instance: 'https://nas.lan', certExpiresMs: NOW + 40 * 86_400_000 },
  { check: 'router-ssh', instance: 'router.lan:22', failsAt: (t) => Math.floor(t / (7 * MINUTE)) % 5 === 0 },
  { check: 'printer', instance: 'http://printer.lan', failsAt: () => true },
];
const SHOTS = path.resolve(WEBUI_DIR, '..', 'test-output', 'screenshots');

/**
 * The checks GET /api/v1/checks lists. `backup` is paused (its history ended 30 minutes ago); `fresh-web` was
 * added four minutes ago; `new-api` ran once, which the scraper knows but no probe series shows yet; `queued`
 * has not run. The tests change `queued` as the scraper would.
 */
const CONFIGURED: StandInCheck[] = [
  { name: 'backup', type: 'tcp', target: 'backup.lan:22', intervalSeconds: 30, timeoutSeconds: 5, paused: true, lastError: null, up: null, lastCheckMs: null, responseTimeMs: null },
  { name: 'fresh-web', type: 'http', target: 'http://fresh.lan', intervalSeconds: 30, timeoutSeconds: 10, paused: false, lastError: null },
  { name: 'nas-web', type: 'http', target: 'https://nas.lan', intervalSeconds: 30, timeoutSeconds: 10, paused: false, lastError: null },
  { name: 'new-api', type: 'http', target: 'http://api.lan', intervalSeconds: 30, timeoutSeconds: 10, paused: false, lastError: null, up: true, lastCheckMs: NOW - 5000, responseTimeMs: 37 },
  { name: 'printer', type: 'http', target: 'http://printer.lan', intervalSeconds: 30, timeoutSeconds: 10, paused: false, lastError: 'HTTP status 503 is not 2xx' },
  { name: 'queued', type: 'http', target: 'http://queued.lan', intervalSeconds: 30, timeoutSeconds: 10, paused: false, lastError: null, up: null, lastCheckMs: null, responseTimeMs: null },
  { name: 'router-ssh', type: 'tcp', target: 'router.lan:22', intervalSeconds: 30, timeoutSeconds: 5, paused: false, lastError: null },
];

/**
 * Scrape targets beside the node exporters, with `up` and `scrape_duration_seconds` every 15 s: cAdvisor on
 * alpha (down for the last 10 minutes) and on beta, and a blackbox exporter elsewhere labelled `host="alpha"`.
 * The node exporters get their scrape durations (host-data writes their `up`).
 */
const EXTRA_TARGETS: { job: string; instance: string; host?: string; downFromMs?: number; upWritten?: boolean }[] = [
  { job: 'node', instance: 'alpha:9100', upWritten: true },
  { job: 'node', instance: 'beta:9100', upWritten: true },
  { job: 'cadvisor', instance: 'alpha:8080', downFromMs: NOW - 10 * MINUTE },
  { job: 'cadvisor', instance: 'beta:8080' },
  { job: 'blackbox', instance: '10.0.0.5:9115', host: 'alpha' },
];

function* generateTargets(startMs: number, endMs: number): Generator<GeneratedSample> {
  for (const x of EXTRA_TARGETS) {
    const base = { job: x.job, instance: x.instance, ...(x.host ? { host: x.host } : {}) };
    const up = Labels.from({ __name__: 'up', ...base });
    const duration = Labels.from({ __name__: 'scrape_duration_seconds', ...base });
    for (let t = startMs + 7000; t <= endMs; t += 15_000) {
      const down = x.downFromMs !== undefined && t >= x.downFromMs;
      if (!x.upWritten) yield { labels: up, t, v: down ? 0 : 1 };
      yield { labels: duration, t, v: down ? 0.002 : 0.031 };
    }
  }
}

describe('web UI in headless Chromium', function () {
  this.timeout(120_000);
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: string[];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer(function* () {
      yield* generateHosts(HOSTS, NOW - 3 * 60 * MINUTE, NOW);
      yield* generateChecks(CHECKS, NOW - 3 * 60 * MINUTE, NOW);
      yield* generateChecks([{ check: 'backup', instance: 'backup.lan:22' }], NOW - 3 * 60 * MINUTE, NOW - 30 * MINUTE);
      yield* generateChecks([{ check: 'fresh-web', instance: 'http://fresh.lan' }], NOW - 4 * MINUTE, NOW);
      yield* generateTargets(NOW - 3 * 60 * MINUTE, NOW);
    }, {
      checks: CONFIGURED,
      activeTargets: [{
        labels: { job: 'cadvisor', instance: 'alpha:8080' }, scrapeUrl: 'http://alpha:8080/metrics', health: 'down',
        lastError: 'Get "http://alpha:8080/metrics": dial tcp 10.0.0.2:8080: connect: connection refused',
        lastScrape: new Date(NOW - 5000).toISOString(), lastScrapeDuration: 0.002,
      }],
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(urlPath: string, opts: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark'; route?: (c: BrowserContext) => Promise<void> } = {}): Promise<Page> {
    context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 900 }, colorScheme: opts.colorScheme ?? 'light' });
    await opts.route?.(context);
    page = await context.newPage();
    consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(server.url + urlPath);
    return page;
  }
  afterEach(async () => {
    await context?.close();
  });

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  it('shows every host as a card on the overview, the down one greyed with its last known state', async () => {
    await open('/');
    await page.locator('hl-host-card').first().waitFor();
    await page.locator('hl-sparkline[data-drawn]').first().waitFor();
    expect(await page.locator('hl-host-card').count()).to.equal(3);
    const gamma = page.locator('hl-host-card', { hasText: 'gamma' });
    expect(await gamma.getAttribute('down')).to.not.equal(null);
    const text = await gamma.locator('a.card').innerText();
    expect(text).to.match(/last seen 2\dm/);
    expect(text).to.match(/\d+\.\d %/);
    await shot('overview');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('puts the firing alert and the checks summary on the overview', async () => {
    await open('/');
    await page.locator('hl-alert-list li').first().waitFor();
    expect(await page.locator('hl-alert-list ul').innerText()).to.contain('HostDown').and.to.contain('gamma:9100');
    await page.locator('hl-checks-summary li').first().waitFor();
    expect(await page.locator('hl-checks-summary ul').innerText()).to.contain('nas-web').and.to.contain('router-ssh');
    expect(await page.locator('hl-heartbeat .b.down').count()).to.be.greaterThan(0);
  });

  it('shows a paused check as paused in the overview\'s checks summary, not passing or failing', async () => {
    await open('/');
    const summary = page.locator('hl-checks-summary');
    const backup = summary.locator('li', { hasText: 'backup' });
    await backup.waitFor();
    expect(await backup.getAttribute('data-status')).to.equal('paused');
    expect(await backup.locator('.badge').innerText()).to.equal('paused');
    // Its history stays: the last hour's heartbeat (it ran until 30 minutes ago) and the 24-hour uptime, but
    // no current response time.
    expect(await backup.innerText()).to.match(/100\.00 % · –$/);
    expect(await backup.locator('hl-heartbeat .b.up').count()).to.be.within(25, 35);
    expect(await summary.locator('h2').innerText()).to.match(/· \d\/6 passing · 1 paused$/);
    expect(await summary.locator('li[data-status="up"]', { hasText: 'new-api' }).count()).to.equal(1);
    await summary.screenshot({ path: path.join(SHOTS, 'overview-checks-summary.png') });
    expect(consoleErrors).to.deep.equal([]);
  });

  it('filters host cards by the text typed', async () => {
    await open('/');
    await page.locator('hl-host-card').first().waitFor();
    await page.getByPlaceholder('Filter hosts').fill('bet');
    await page.waitForFunction(() => document.querySelector('hl-app')!.shadowRoot!.querySelector('page-overview')!.shadowRoot!.querySelectorAll('hl-host-card').length === 1);
    expect(new URL(page.url()).searchParams.get('q')).to.equal('bet');
  });

  it('draws the host charts from the stored samples, with a step that follows the chart width', async () => {
    await open('/hosts/alpha%3A9100?range=24h');
    const cpu = page.locator('hl-chart[heading="CPU by mode"]');
    await cpu.and(page.locator('[data-drawn]')).waitFor();
    // The data covers the last 3 of the 24 hours; at about one point per pixel the step is over a minute.
    const step = Number((await cpu.locator('small').innerText()).replace(/\D/g, ''));
    const width = await cpu.locator('.plot').evaluate((el) => el.clientWidth);
    expect(step).to.equal(Math.max(15, Math.ceil(86_400 / width)));
    expect(Number(await cpu.getAttribute('data-points'))).to.be.greaterThan(0);
    expect(await cpu.locator('.apexcharts-series path').count()).to.be.greaterThan(0);
    // The Load chart is one label_replace query; each average is named by its period.
    expect(await page.locator('hl-chart[heading="Load"][data-drawn] .apexcharts-legend-text').allTextContents()).to.have.members(['1m', '5m', '15m']);
    await page.locator('hl-chart[heading="Temperatures"][data-drawn]').waitFor();
    await page.locator('hl-containers-table').getByRole('cell', { name: 'cache', exact: true }).waitFor();
    await shot('host');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('lists the host\'s scrape targets: its own instance, the same host name on another port, a host label', async () => {
    await open('/hosts/alpha%3A9100?range=1h');
    const section = page.locator('section[aria-label="Targets of this host"]');
    await section.locator('tbody tr').first().waitFor();
    expect(await section.locator('tbody tr').count()).to.equal(3);
    const text = await section.locator('table').innerText();
    expect(text).to.contain('alpha:9100').and.to.contain('http://alpha:8080/metrics').and.to.contain('10.0.0.5:9115').and.to.not.contain('beta');
    const cadvisor = section.locator('tr[data-job="cadvisor"]');
    expect(await cadvisor.getAttribute('data-health')).to.equal('down');
    expect(await cadvisor.innerText()).to.contain('DOWN').and.to.contain('connect: connection refused').and.to.match(/ago/);
    const node = section.locator('tr[data-job="node"]');
    expect(await node.getAttribute('data-health')).to.equal('up');
    expect(await node.innerText()).to.contain('UP').and.to.contain('31 ms').and.to.match(/\d+(s|m \d+s) ago/);
    expect(await section.locator('tr[data-job="blackbox"] code', { hasText: 'host="alpha"' }).count()).to.equal(1);
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: path.join(SHOTS, 'host-targets.png') });
    // beta's page has its own two and not alpha's.
    await page.goto(server.url + '/hosts/beta%3A9100?range=1h');
    await section.locator('tbody tr').first().waitFor();
    expect((await section.locator('tbody tr').allInnerTexts()).map((t) => t.split('\t')[0])).to.deep.equal(['cadvisor', 'node']);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('keeps the chosen time range in the URL', async () => {
    await open('/hosts/beta%3A9100');
    await page.locator('hl-range-picker select').selectOption('6h');
    expect(new URL(page.url()).searchParams.get('range')).to.equal('6h');
    await page.reload();
    expect(await page.locator('hl-range-picker select').inputValue()).to.equal('6h');
  });

  it('zooms to the span dragged across a chart', async () => {
    await open('/hosts/alpha%3A9100?range=1h');
    const plot = page.locator('hl-chart[heading="Load"][data-drawn] .apexcharts-canvas');
    await plot.waitFor();
    const box = (await plot.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.4, { steps: 8 });
    await page.mouse.up();
    await page.waitForURL(/from=\d+&to=\d+/);
    const u = new URL(page.url());
    const spanMs = Number(u.searchParams.get('to')) - Number(u.searchParams.get('from'));
    expect(spanMs).to.be.within(5 * MINUTE, 30 * MINUTE);
  });

  it('lists containers of all hosts', async () => {
    await open('/containers');
    await page.locator('hl-containers-table tbody tr').first().waitFor();
    expect(await page.locator('hl-containers-table tbody tr').count()).to.equal(3);
    await shot('containers');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('shows target health per job', async () => {
    await open('/targets');
    await page.locator('section[aria-label="Job node"]').waitFor();
    expect(await page.locator('section[aria-label="Job node"] h2').innerText()).to.contain('2/3 up');
    await shot('targets');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('completes metric names in Explore and shows the result as a graph and a table', async () => {
    await open('/explore');
    const box = page.getByRole('combobox', { name: 'PromQL expression' });
    await box.click();
    await page.keyboard.type('node_loa');
    await page.getByRole('option', { name: 'node_load1', exact: true }).waitFor();
    await page.keyboard.press('Enter'); // accepts the highlighted suggestion
    expect(await box.inputValue()).to.equal('node_load1');
    await page.keyboard.press('Enter'); // runs
    await page.locator('hl-chart[data-drawn]').waitFor();
    await shot('explore-graph');
    await page.getByRole('tab', { name: 'Table' }).click();
    await page.locator('table[aria-label="Result"] tbody tr').first().waitFor();
    expect(await page.locator('table[aria-label="Result"] tbody tr').count()).to.equal(2); // gamma is down, so stale
    expect(new URL(page.url()).searchParams.get('view')).to.equal('table');
    await shot('explore-table');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('completes label names inside braces', async () => {
    await open('/explore');
    await page.getByRole('combobox', { name: 'PromQL expression' }).click();
    await page.keyboard.type('up{inst');
    await page.getByRole('option', { name: 'instance' }).waitFor();
  });

  it('shows checks with uptime, certificate expiry and a response time chart', async () => {
    await open('/checks');
    await page.locator('td', { hasText: 'router-ssh' }).waitFor();
    expect(await page.locator('tbody').innerText()).to.match(/expires in 39d|expires in 40d/);
    await page.locator('hl-chart[data-drawn]').waitFor();
    await shot('checks');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('pauses a check, shows it paused, and resumes it', async () => {
    await open('/checks');
    const row = page.locator('page-checks tbody tr', { hasText: 'nas-web' });
    await row.locator('.badge', { hasText: 'up' }).waitFor();
    await page.getByRole('button', { name: 'Pause nas-web' }).click();
    await row.locator('.badge', { hasText: 'paused' }).waitFor();
    expect(await row.getAttribute('data-status')).to.equal('paused');
    // Its series still hold a current value (the server here writes no staleness markers): it is not shown.
    expect(await row.locator('td').nth(4).innerText()).to.equal('–');
    await page.getByRole('status').filter({ hasText: 'Check nas-web paused' }).waitFor();
    await shot('checks-paused');
    await page.getByRole('button', { name: 'Resume nas-web' }).click();
    await row.locator('.badge', { hasText: 'up' }).waitFor();
    expect(await row.locator('td').nth(4).innerText()).to.match(/^\d+ ms$/);
    expect(await page.getByRole('button', { name: 'Pause nas-web' }).count()).to.equal(1);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('shows the scraper\'s last result for a check whose first sample is not queryable yet, not "pending"', async () => {
    await open('/checks');
    const row = page.locator('page-checks tbody tr', { hasText: 'new-api' });
    await row.waitFor();
    expect(await row.getAttribute('data-status')).to.equal('up');
    expect(await row.locator('td').nth(4).innerText()).to.equal('37 ms');
    expect(await page.locator('page-checks tbody tr', { hasText: 'queued' }).getAttribute('data-status')).to.equal('pending');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('keeps a streamed result when a reload that was already on its way answers with the older state', async () => {
    let held!: () => void;
    let release!: () => void;
    const isHeld = new Promise<void>((r) => { held = r; });
    const released = new Promise<void>((r) => { release = r; });
    let holding = false;
    await open('/checks', { route: (c) => c.route('**/api/v1/checks', async (route) => {
      if (!holding) return route.continue();
      holding = false;
      const response = await route.fetch(); // the server's state before the run below
      held();
      await released;
      await route.fulfill({ response });
    }) });
    await page.locator('[data-stream="live"]').waitFor();
    const row = page.locator('page-checks tbody tr', { hasText: 'queued' });
    await page.locator('page-checks tbody tr[data-status="pending"]', { hasText: 'queued' }).waitFor();
    // A full reload starts (as after an action, or every 10 s while results stream in) …
    holding = true;
    await page.evaluate(() => (document.querySelector('hl-app')!.shadowRoot!.querySelector('page-checks') as unknown as { reload(): void }).reload());
    await isHeld;
    // … the check runs meanwhile: the scraper has the result and the stream sends it …
    const result = { up: true, lastCheckMs: Date.now(), responseTimeMs: 21 };
    Object.assign(CONFIGURED.find((c) => c.name === 'queued')!, result);
    server.stream.publish('checks', { name: 'queued', type: 'http', target: 'http://queued.lan', ...result, lastError: null });
    await page.locator('page-checks tbody tr[data-status="up"]', { hasText: 'queued' }).waitFor();
    // … and the reload answers with what the server knew when it was asked.
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/checks'));
    release();
    await answered;
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForTimeout(300);
    expect(await row.getAttribute('data-status')).to.equal('up');
    expect(await row.locator('td').nth(4).innerText()).to.equal('21 ms');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('fits the response time chart to a check with minutes of data in its 6 hours, with the y-axis in ms', async () => {
    // Only fresh-web's series (four minutes old) answer the chart's query, as on a server whose checks are new.
    await open('/checks', { route: (c) => c.route('**/prometheus/api/v1/query_range?*', (route) => {
      const u = new URL(route.request().url());
      if (u.searchParams.get('query') !== 'probe_duration_seconds{job="check"}') return route.continue();
      u.searchParams.set('query', 'probe_duration_seconds{job="check",check="fresh-web"}');
      return route.continue({ url: u.toString() });
    }) });
    const chart = page.locator('page-checks hl-chart[data-drawn]');
    await chart.waitFor();
    const viewStartMs = Number(await chart.getAttribute('data-view-start-ms'));
    // The axis starts at the first sample (four minutes before the data's end), not six hours back.
    expect(viewStartMs).to.be.within(NOW - 5 * MINUTE, NOW - 3 * MINUTE);
    expect(await chart.locator('header small').innerText()).to.match(/^data since \d\d:\d\d · step \d+s$/);
    const labels = (await chart.locator('.apexcharts-yaxis-label tspan').allTextContents()).map((t) => t.trim());
    expect(labels.length).to.be.at.least(3);
    expect(labels.every((l) => / ms$/.test(l)), labels.join(' | ')).to.equal(true);
    expect(new Set(labels).size, labels.join(' | ')).to.equal(labels.length);
    expect(labels).to.include('0 ms');
    expect(await chart.locator('.apexcharts-series path').count()).to.be.greaterThan(0);
    await chart.scrollIntoViewIfNeeded();
    await chart.screenshot({ path: path.join(SHOTS, 'checks-chart-fitted.png') });
    expect(consoleErrors).to.deep.equal([]);
  });

  it('edits a check in a form prefilled with its settings', async () => {
    await open('/checks');
    await page.getByRole('button', { name: 'Edit router-ssh' }).click();
    const form = page.getByRole('form', { name: 'Edit check router-ssh' });
    expect(await form.getByLabel('Target').inputValue()).to.equal('router.lan:22');
    expect(await form.getByLabel('Timeout').inputValue()).to.equal('5');
    await form.getByLabel('Every').fill('45');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Check router-ssh saved' }).waitFor();
    expect(await form.count()).to.equal(0);
    const listed = await (await fetch(`${server.url}/api/v1/checks`)).json() as { checks: { name: string; intervalSeconds: number }[] };
    expect(listed.checks.find((c) => c.name === 'router-ssh')!.intervalSeconds).to.equal(45);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('shows why a check fails', async () => {
    await open('/checks');
    const row = page.locator('page-checks tbody tr', { hasText: 'printer' });
    await row.locator('.badge', { hasText: 'down' }).waitFor();
    expect(await row.locator('.reason').innerText()).to.equal('HTTP status 503 is not 2xx');
  });

  it('manages users on the settings page: create, change role, delete', async () => {
    await open('/settings');
    const users = page.locator('section[aria-label="Users"]');
    await users.locator('td', { hasText: 'guest' }).waitFor();
    const form = page.getByRole('form', { name: 'New user' });
    await form.getByLabel('User name').fill('erin');
    await form.getByLabel('Password').fill('long enough password');
    await form.getByLabel('Role').selectOption('editor');
    await form.getByRole('button', { name: 'Create user' }).click();
    await users.getByRole('status').filter({ hasText: 'User erin created' }).waitFor();
    const role = page.getByLabel('Role of erin');
    expect(await role.inputValue()).to.equal('editor');
    await role.selectOption('admin');
    await users.getByRole('status').filter({ hasText: 'erin is now admin' }).waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete user erin' }).click();
    await users.getByRole('status').filter({ hasText: 'User erin deleted' }).waitFor();
    expect(await users.locator('td', { hasText: 'erin' }).count()).to.equal(0);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('creates an API key, shows its secret once with a copy button, and revokes it', async () => {
    await open('/settings');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const keys = page.locator('section[aria-label="API keys"]');
    await keys.getByText('No API keys yet.').waitFor();
    const form = page.getByRole('form', { name: 'New API key' });
    await form.getByLabel('Name').fill('grafana');
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByRole('button', { name: 'Create key' }).click();
    const secret = await keys.locator('[data-secret]').innerText();
    expect(secret).to.match(/^hlm_[0-9a-f]{32}$/);
    await keys.getByRole('button', { name: 'Copy' }).click();
    await keys.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(secret);
    const row = keys.locator('tbody tr', { hasText: 'grafana' });
    expect(await row.locator('td.last-used').innerText()).to.equal('never');
    await shot('settings-key-created');
    await keys.getByRole('button', { name: 'Hide the key' }).click();
    expect(await keys.locator('[data-secret]').count()).to.equal(0);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke key grafana' }).click();
    await row.getByText(/revoked/).waitFor();
    expect(consoleErrors).to.deep.equal([]);
  });

  it('sends a test notification to a receiver and shows each outcome', async () => {
    await open('/settings');
    await page.getByRole('button', { name: 'Send test to phone' }).click();
    await page.getByRole('status', { name: 'Test of phone' }).getByText('ntfy/0: sent').waitFor();
    await page.getByRole('button', { name: 'Send test to broken' }).click();
    await page.getByRole('status', { name: 'Test of broken' }).getByText('webhook/0: failed — connect ECONNREFUSED').waitFor();
    expect(consoleErrors).to.deep.equal([]);
  });

  it('creates, edits and deletes a status page, linking to its public address', async () => {
    await open('/settings');
    const section = page.locator('section[aria-label="Status pages"]');
    await section.getByText('No status pages yet.').waitFor();
    await section.getByRole('button', { name: 'New status page' }).click();
    const form = page.getByRole('form', { name: 'New status page' });
    await form.getByLabel('Address /status/').fill('home');
    await form.getByLabel('Title').fill('Home services');
    await form.getByLabel('nas-web').check();
    await form.getByRole('button', { name: 'Create page' }).click();
    await section.getByRole('status').filter({ hasText: 'Status page home created' }).waitFor();
    expect(await section.getByRole('link', { name: '/status/home' }).getAttribute('href')).to.equal('/status/home');
    await section.getByRole('button', { name: 'Edit status page home' }).click();
    const edit = page.getByRole('form', { name: 'Edit status page home' });
    expect(await edit.getByLabel('Title').inputValue()).to.equal('Home services');
    expect(await edit.getByLabel('nas-web').isChecked()).to.equal(true);
    await edit.getByLabel('router-ssh').check();
    await edit.getByRole('button', { name: 'Save page' }).click();
    await section.locator('td', { hasText: 'nas-web, router-ssh' }).waitFor();
    await shot('settings');
    page.once('dialog', (d) => void d.accept());
    await section.getByRole('button', { name: 'Delete status page home' }).click();
    await section.getByText('No status pages yet.').waitFor();
    expect(consoleErrors).to.deep.equal([]);
  });

  it('hides users, keys and every edit button of the settings page from a viewer', async () => {
    await open('/');
    await context.addCookies([{ name: 'hlmon_test_role', value: 'viewer', url: server.url }]);
    await page.goto(server.url + '/settings');
    await page.locator('section[aria-label="Receivers"] td', { hasText: 'phone' }).waitFor();
    await page.locator('section[aria-label="Status pages"] .state, section[aria-label="Status pages"] table').first().waitFor();
    expect(await page.locator('section[aria-label="Users"]').count()).to.equal(0);
    expect(await page.locator('section[aria-label="API keys"]').count()).to.equal(0);
    expect(await page.getByRole('button', { name: /Send test|New status page|Edit|Delete/ }).count()).to.equal(0);
    await shot('settings-viewer');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('hides the check edit buttons from a viewer', async () => {
    await open('/');
    await context.addCookies([{ name: 'hlmon_test_role', value: 'viewer', url: server.url }]);
    await page.goto(server.url + '/checks');
    await page.locator('td', { hasText: 'router-ssh' }).waitFor();
    expect(await page.getByRole('button', { name: /^(Edit|Pause|Resume|Delete) / }).count()).to.equal(0);
  });

  it('silences an alert from a form prefilled with its labels', async () => {
    await open('/');
    await page.locator('hl-alert-list a', { hasText: 'Silence' }).click();
    await page.getByRole('form', { name: 'New silence' }).waitFor();
    expect(await page.locator('textarea[name="matchers"]').inputValue()).to.contain('instance="gamma:9100"');
    await page.locator('input[name="comment"]').fill('replacing the disk');
    await page.getByRole('button', { name: 'Create silence' }).click();
    await page.locator('section[aria-label="Silences"] td', { hasText: 'replacing the disk' }).waitFor();
    await page.locator('hl-alert-list li', { hasText: 'gamma' }).locator('.badge', { hasText: 'silenced' }).waitFor();
    const resolved = await page.locator('section[aria-label="Resolved alerts"] tbody').innerText();
    expect(resolved).to.contain('DiskFull').and.to.contain('instance="beta:9100"').and.to.contain('40m 0s');
    await shot('alerts');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('shows a viewer no edit buttons: no silence link, no new check', async () => {
    await open('/');
    await context.addCookies([{ name: 'hlmon_test_role', value: 'viewer', url: server.url }]);
    await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/v1/session')), page.reload()]);
    await page.locator('hl-alert-list li').first().waitFor();
    expect(await page.locator('hl-alert-list a', { hasText: 'Silence' }).count()).to.equal(0);
    await page.locator('nav a', { hasText: 'Checks' }).click();
    await page.locator('td', { hasText: 'router-ssh' }).waitFor();
    expect(await page.getByRole('button', { name: 'New check' }).count()).to.equal(0);
  });

  it('shows an editor the edit buttons', async () => {
    await open('/checks');
    await page.getByRole('button', { name: 'New check' }).waitFor();
  });

  it('shows rule groups with state and health', async () => {
    await open('/rules');
    await page.locator('section[aria-label="Group hosts"]').waitFor();
    expect(await page.locator('section[aria-label="Group hosts"]').innerText()).to.contain('HostDown').and.to.contain('firing');
    await shot('rules');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('shows settings with the server build and the users', async () => {
    await open('/settings');
    await page.locator('section[aria-label="Users"] td', { hasText: 'guest' }).waitFor();
    expect(await page.locator('section[aria-label="Server"]').innerText()).to.contain('hlmon test');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('shows the login form', async () => {
    await open('/login');
    await page.getByLabel('Password').waitFor();
    await shot('login');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('switches to the dark theme with the toggle and remembers it', async () => {
    await open('/');
    await page.locator('hl-host-card').first().waitFor();
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await bg()).to.equal('rgb(13, 17, 23)');
    await page.reload();
    await page.locator('hl-host-card').first().waitFor();
    expect(await bg()).to.equal('rgb(13, 17, 23)');
    await shot('overview-dark');
  });

  it('follows the system dark preference when nothing was chosen', async () => {
    await open('/hosts/alpha%3A9100', { colorScheme: 'dark' });
    await page.locator('hl-chart[heading="Memory"][data-drawn]').waitFor();
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).to.equal('rgb(13, 17, 23)');
    await shot('host-dark');
  });

  for (const [name, urlPath, ready] of [['overview', '/', 'hl-host-card'], ['host', '/hosts/alpha%3A9100', 'hl-chart[data-drawn]']] as const) {
    it(`fits the ${name} page into a 375 px wide phone screen`, async () => {
      await open(urlPath, { viewport: { width: 375, height: 812 } });
      await page.locator(ready).first().waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).to.be.at.most(0);
      await shot(`${name}-phone`);
      expect(consoleErrors).to.deep.equal([]);
    });
  }

  it('is keyboard navigable: the first Tab reaches "Skip to content", which moves the focus to the page', async () => {
    await open('/');
    await page.locator('hl-host-card').first().waitFor();
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el ? `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} ${el.textContent?.trim().slice(0, 20) ?? ''}` : '';
    });
    expect(await focused()).to.equal('a Skip to content');
    await page.keyboard.press('Enter');
    expect((await focused()).startsWith('main#main')).to.equal(true);
    // The next Tab lands on the first control of the page, not back in the header.
    await page.keyboard.press('Tab');
    expect(await focused()).to.not.match(/^a (Overview|Skip)/);
  });

  it('says when the connection to the server is lost and when it is back', async () => {
    await open('/');
    await page.evaluate(() => localStorage.setItem('hlmon.refreshSeconds', '1'));
    await page.reload();
    await page.locator('hl-host-card').first().waitFor();
    await context.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.getByRole('alert').filter({ hasText: 'Connection to the server lost' }).waitFor();
    await context.unroute('**/api/**');
    await page.getByRole('status').filter({ hasText: 'Reconnected' }).waitFor();
  });
});
