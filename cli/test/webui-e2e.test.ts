/**
 * The web UI against the real server: `startServer` (as `hlmon start` runs it) on a fresh PostgreSQL
 * database with the in-process exporter, a config file with 1 s intervals, a rule this test switches on, and
 * a webhook receiver; real headless Chromium drives the pages. The tests run in order and share the server:
 * the first creates the administrator the others log in as.
 */
import { expect } from 'chai';
import { waitFor } from '@hlmon/testkit';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freshPostgresDatabase, tempDir, type FreshDatabase, type Listening, type TempDir } from '@hlmon/testkit';
import { gaugeTarget, webhookReceiver } from './helpers.js';
import { loadConfigFile } from '@hlmon/scraper';
import { createLogger, startServer, type RunningServer } from '@hlmon/cli';

const ADMIN = { username: 'admin', password: 'correct horse battery' };
const VIEWER = { username: 'vera', password: 'viewer password 1' };
const HOST = 'e2e-host';
const ROOT = path.resolve(path.dirname(createRequire(import.meta.url).resolve('@hlmon/cli/package.json')), '..');
const SHOTS = path.join(ROOT, 'test-output', 'screenshots');

interface WebhookBody { status: string; alerts: { status: string; labels: Record<string, string> }[] }

/** Builds the web UI when webui/dist is missing (CI builds it first; a fresh checkout may not have). */
function ensureWebuiBuilt(): void {
  const webuiDir = path.dirname(createRequire(import.meta.url).resolve('@hlmon/webui/package.json'));
  if (!fs.existsSync(path.join(webuiDir, 'dist', 'index.html'))) {
    execFileSync(process.execPath, [path.join(webuiDir, 'scripts', 'build.mjs')], { cwd: webuiDir, stdio: 'inherit' });
  }
}

describe('web UI end to end against hlmon start on PostgreSQL', function () {
  this.timeout(60_000);
  let db: FreshDatabase;
  let dir: TempDir;
  let target: Listening;
  let webhook: Listening;
  let running: RunningServer;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page;
  let consoleErrors: string[] = [];
  let configFile: string;
  /** The value of e2e_switch per name; the rule fires for every name above 0. */
  const switches: Record<string, number> = { a: 0, b: 0 };
  const received: WebhookBody[] = [];

  before(async function () {
    this.timeout(120_000);
    ensureWebuiBuilt();
    fs.mkdirSync(SHOTS, { recursive: true });
    db = await freshPostgresDatabase();
    dir = await tempDir('hlmon-webui-e2e-');
    target = await gaugeTarget('e2e_switch', 'name', switches);
    webhook = await webhookReceiver(received);
    fs.mkdirSync(path.join(dir.path, 'rules'));
    // `for: 12s` leaves time to silence the pending alert from the UI before it fires and would be sent.
    fs.writeFileSync(path.join(dir.path, 'rules', 'switch.yml'), `groups:
  - name: switches
    interval: 1s
    rules:
      - alert: SwitchOn
        expr: e2e_switch > 0
        for: 12s
        labels: { severity: warning }
        annotations: { summary: 'switch {{ $labels.name }} is on' }
`);
    configFile = path.join(dir.path, 'hlmon.yml');
    fs.writeFileSync(configFile, configText(undefined));
    const loaded = await loadConfigFile(configFile);
    if (loaded.errors) throw new Error(JSON.stringify(loaded.errors));
    running = await startServer({
      databaseUrl: db.url, dataDir: dir.path, listen: '127.0.0.1:0', config: loaded.config, configFile,
      localExporter: true, log: createLogger({ level: 'error' }),
    });
    // The exporter's port is known only now: adding it to the file also exercises the reload on change.
    fs.writeFileSync(configFile, configText(new URL(running.exporterUrl!).host));
    await waitFor('the exporter target after the reload', () => (running.scraper.targets().some((t) => t.job === 'node') ? true : undefined));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async function () {
    this.timeout(60_000);
    await context?.close();
    await browser?.close();
    await running?.stop();
    await target?.close();
    await webhook?.close();
    await db?.drop();
    await dir?.remove();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  function configText(exporterHost: string | undefined): string {
    return `global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
storage: { data_dir: ${JSON.stringify(dir.path)} }
rule_files: ['rules/*.yml']
scrape_configs:
  - job_name: switches
    static_configs: [{ targets: ['${new URL(target.url).host}'] }]
${exporterHost ? `  - job_name: node
    static_configs: [{ targets: ['${exporterHost}'], labels: { instance: ${HOST} } }]
` : ''}alerting:
  route: { receiver: hook, group_wait: 0s, group_interval: 1s, repeat_interval: 1h }
  receivers:
    - name: hook
      webhook_configs: [{ url: '${webhook.url}/alerts', send_resolved: true }]
`;
  }

  async function open(urlPath: string, opts: { viewport?: { width: number; height: number }; refreshSeconds?: number } = {}): Promise<Page> {
    context = await browser.newContext({ viewport: opts.viewport ?? { width: 1280, height: 900 }, colorScheme: 'light' });
    page = await context.newPage();
    // Polling once an hour: whatever changes on screen without a reload came over the stream.
    if (opts.refreshSeconds) await page.addInitScript((s) => localStorage.setItem('hlmon.refreshSeconds', String(s)), opts.refreshSeconds);
    consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(running.url + urlPath);
    return page;
  }

  /** Logs in through the form the app redirects to, then forgets the 401s that led there. */
  async function login(user: { username: string; password: string }, urlPath = '/', refreshSeconds?: number): Promise<void> {
    await open(urlPath, refreshSeconds ? { refreshSeconds } : {});
    await page.waitForURL(/\/login/);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await page.getByLabel('User name').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    consoleErrors = [];
  }

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(SHOTS, `e2e-${name}.png`), fullPage: true });
  }

  /** A session cookie for API calls the UI has no form for (creating a viewer). */
  async function adminCookie(): Promise<string> {
    const res = await fetch(`${running.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'test' }, body: JSON.stringify(ADMIN) });
    expect(res.status).to.equal(200);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  }

  it('creates the administrator on first run, logs out and logs back in', async () => {
    await open('/');
    await page.waitForURL(/\/login\?next=/);
    await page.getByRole('button', { name: 'Create administrator' }).waitFor();
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect((await (await fetch(`${running.url}/api/v1/setup`)).json() as { needed: boolean }).needed).to.equal(false);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  });

  it('shows the stream as live and the host card of the local exporter', async () => {
    await login(ADMIN);
    await page.locator('[data-stream="live"]').waitFor();
    await page.locator('hl-host-card', { hasText: HOST }).waitFor();
    expect(await page.locator('hl-host-card', { hasText: HOST }).getAttribute('down')).to.equal(null);
    await shot('overview');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('draws a host chart from the scraped samples', async () => {
    await login(ADMIN, `/hosts/${HOST}?range=15m`);
    const chart = page.locator('hl-chart[heading="Load"][data-drawn]');
    await chart.waitFor();
    expect(await chart.locator('.apexcharts-series path').count()).to.be.greaterThan(0);
    // The host's own scrape target, as the scraper reports it; the switches target is another machine's.
    const targets = page.locator('section[aria-label="Targets of this host"]');
    const own = targets.locator('tbody tr[data-job="node"]');
    await own.waitFor();
    expect(await own.getAttribute('data-health')).to.equal('up');
    expect(await own.innerText()).to.contain(`${new URL(running.exporterUrl!).host}/metrics`).and.to.match(/ago/);
    expect(await targets.locator('tbody tr').count()).to.equal(1);
    await shot('host');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('renders every page with data and no console errors', async () => {
    await login(ADMIN);
    const pages: [string, string][] = [
      ['/containers', 'page-containers'], ['/checks', 'page-checks'], ['/alerts', 'page-alerts'], ['/rules', 'page-rules'],
      ['/targets', 'page-targets'], ['/explore?q=up', 'page-explore'], ['/settings', 'page-settings'],
    ];
    for (const [urlPath, tag] of pages) {
      await page.goto(running.url + urlPath);
      await page.locator(tag).waitFor();
      // Data or an empty state, never a skeleton left spinning or an error.
      await page.waitForFunction((t) => {
        const root = document.querySelector('hl-app')?.shadowRoot?.querySelector(t)?.shadowRoot;
        return !!root && root.querySelector('.skeleton') === null && root.textContent!.trim().length > 0;
      }, tag, { timeout: 15_000 });
      expect(await page.locator(`${tag} .state.error`).count(), `${urlPath} shows an error`).to.equal(0);
    }
    await page.goto(running.url + '/targets');
    await page.locator('page-targets').getByText('switches').first().waitFor();
    await page.goto(running.url + '/rules');
    await page.locator('page-rules').getByText('SwitchOn').waitFor();
    expect(consoleErrors).to.deep.equal([]);
  });

  it('creates a check on the Checks page and shows its first result without a reload', async () => {
    await login(ADMIN, '/checks', 3600);
    await page.locator('[data-stream="live"]').waitFor();
    await page.getByRole('button', { name: 'New check' }).click();
    const form = page.getByRole('form', { name: 'New check' });
    await form.getByLabel('Name').fill('server-health');
    await form.getByLabel('Target').fill(`${running.url}/-/healthy`);
    await form.getByLabel('Every').fill('5');
    await form.getByLabel('Timeout').fill('2');
    // Marks the document: a reload would lose the mark.
    await page.evaluate(() => { (window as unknown as { e2eMark: boolean }).e2eMark = true; });
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Check server-health created').waitFor();
    const row = page.locator('page-checks tr', { hasText: 'server-health' });
    await row.locator('.badge.ok', { hasText: 'up' }).waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => (window as unknown as { e2eMark?: boolean }).e2eMark)).to.equal(true);
    expect(fs.readFileSync(configFile, 'utf8')).to.contain('server-health');
    await shot('checks');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('pauses the check from the Checks page: shown paused, no new results, resumed again', async () => {
    await login(ADMIN, '/checks', 3600);
    const row = page.locator('page-checks tbody tr', { hasText: 'server-health' });
    await row.locator('.badge.ok', { hasText: 'up' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Pause server-health' }).click();
    await row.locator('.badge', { hasText: 'paused' }).waitFor();
    expect(fs.readFileSync(configFile, 'utf8')).to.match(/paused: true/);
    await waitFor('the scraper to pause the check', () => (running.scraper.checks().find((c) => c.name === 'server-health')?.paused ? true : undefined));
    // The history stays; no sample is added while paused (the check runs every 5 s, so 6 s would show one).
    const count = async () => {
      const res = await fetch(`${running.url}/prometheus/api/v1/query?query=${encodeURIComponent('count_over_time(probe_success{check="server-health"}[1h])')}`, { headers: { cookie: await adminCookie() } });
      const body = await res.json() as { data: { result: { value: [number, string] }[] } };
      return Number(body.data.result[0]?.value[1] ?? 0);
    };
    const before = await count();
    expect(before).to.be.greaterThan(0);
    await new Promise((r) => setTimeout(r, 6000));
    expect(await count()).to.equal(before);
    await shot('checks-paused');
    await page.getByRole('button', { name: 'Resume server-health' }).click();
    await row.locator('.badge.ok', { hasText: 'up' }).waitFor({ timeout: 20_000 });
    expect(fs.readFileSync(configFile, 'utf8')).to.not.match(/paused:/);
    // The row may show the last result from before the pause at once; wait for a new sample instead.
    await waitFor('a new result after resuming', async () => ((await count()) > before ? true : undefined));
    expect(consoleErrors).to.deep.equal([]);
  });

  it('edits the check from the Checks page and writes the change into hlmon.yml', async () => {
    await login(ADMIN, '/checks', 3600);
    await page.getByRole('button', { name: 'Edit server-health' }).click();
    const form = page.getByRole('form', { name: 'Edit check server-health' });
    expect(await form.getByLabel('Every').inputValue()).to.equal('5');
    await form.getByLabel('Every').fill('4');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Check server-health saved.').waitFor();
    expect(running.scraper.checks().find((c) => c.name === 'server-health')!.intervalMs).to.equal(4000);
    expect(fs.readFileSync(configFile, 'utf8')).to.match(/interval: 4s/);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('silences a pending alert from the prefilled form, and the webhook is sent only the other one', async () => {
    switches.a = 1;
    switches.b = 1;
    await login(ADMIN, '/alerts', 3600);
    const alertA = page.locator('page-alerts li', { hasText: 'switch a is on' });
    await alertA.waitFor({ timeout: 20_000 });
    await alertA.getByRole('link', { name: 'Silence…' }).click();
    const form = page.getByRole('form', { name: 'New silence' });
    const matchers = await form.getByLabel('Matchers (one per line)').inputValue();
    expect(matchers.split('\n')).to.include.members(['alertname="SwitchOn"', 'name="a"', 'job="switches"']);
    await form.getByLabel('Comment').fill('e2e: switch a is expected');
    await form.getByRole('button', { name: 'Create silence' }).click();
    await page.getByText('Silence created.').waitFor();
    await page.locator('page-alerts section[aria-label="Silences"] td', { hasText: 'e2e: switch a is expected' }).waitFor();
    await alertA.locator('.badge', { hasText: 'silenced' }).waitFor();
    expect(await page.locator('page-alerts li', { hasText: 'switch b is on' }).getByRole('link', { name: 'Silence…' }).count()).to.equal(1);
    await shot('alerts-silenced');
    const firing = await waitFor('a notification for switch b', () => received.find((b) => b.alerts.some((a) => a.labels.name === 'b')), { timeoutMs: 40_000 });
    expect(firing.status).to.equal('firing');
    // Both fire at the same evaluation; a is silenced, so no notification ever names it.
    await new Promise((r) => setTimeout(r, 2000));
    expect(received.flatMap((b) => b.alerts.map((a) => a.labels.name))).to.not.include('a');
    // The overview's firing list marks it too.
    await page.goto(running.url + '/');
    await page.locator('page-overview li', { hasText: 'switch a is on' }).locator('.badge', { hasText: 'silenced' }).waitFor();
    expect(consoleErrors).to.deep.equal([]);
  });

  it('manages users, API keys, receivers and status pages on the Settings page', async () => {
    await login(ADMIN, '/settings', 3600);
    // Users: create, change the role, delete.
    const users = page.locator('section[aria-label="Users"]');
    await users.locator('td', { hasText: ADMIN.username }).first().waitFor();
    const newUser = page.getByRole('form', { name: 'New user' });
    await newUser.getByLabel('User name').fill('temp');
    await newUser.getByLabel('Password').fill('temporary password');
    await newUser.getByLabel('Role').selectOption('viewer');
    await newUser.getByRole('button', { name: 'Create user' }).click();
    await users.getByText('User temp created.').waitFor();
    await page.getByLabel('Role of temp').selectOption('editor');
    await users.getByText('temp is now editor.').waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete user temp' }).click();
    await users.getByText('User temp deleted.').waitFor();
    // The last admin cannot be demoted: the server says so and the select goes back.
    await page.getByLabel(`Role of ${ADMIN.username}`).selectOption('viewer');
    await users.getByText(/Failed: the last admin cannot be demoted/).waitFor();
    expect(await page.getByLabel(`Role of ${ADMIN.username}`).inputValue()).to.equal('admin');

    // API keys: the secret is shown once and works; last used appears; revoking stops it.
    const keys = page.locator('section[aria-label="API keys"]');
    const newKey = page.getByRole('form', { name: 'New API key' });
    await newKey.getByLabel('Name').fill('e2e-script');
    await newKey.getByLabel('Role').selectOption('viewer');
    await newKey.getByRole('button', { name: 'Create key' }).click();
    const secret = await keys.locator('[data-secret]').innerText();
    const withKey = () => fetch(`${running.url}/api/v1/hosts`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await withKey()).status).to.equal(200);
    await page.reload();
    const keyRow = page.locator('section[aria-label="API keys"] tbody tr', { hasText: 'e2e-script' });
    expect(await keyRow.locator('td.last-used').innerText()).to.match(/ago$/);
    expect(await page.locator('section[aria-label="API keys"] [data-secret]').count(), 'the secret is gone after a reload').to.equal(0);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Revoke key e2e-script' }).click();
    await keyRow.getByText(/revoked/).waitFor();
    expect((await withKey()).status).to.equal(401);

    // Receivers: "Send test" reaches the webhook and says so.
    const before = received.length;
    await page.getByRole('button', { name: 'Send test to hook' }).click();
    await page.getByRole('status', { name: 'Test of hook' }).getByText('webhook/0: sent').waitFor({ timeout: 20_000 });
    await waitFor('the test notification at the webhook', () => (received.slice(before).some((b) => b.alerts.some((a) => a.labels.alertname === 'TestAlert')) ? true : undefined));

    // Status pages: create, open the public page, edit, delete.
    const pagesSection = page.locator('section[aria-label="Status pages"]');
    await pagesSection.getByRole('button', { name: 'New status page' }).click();
    const newPage = page.getByRole('form', { name: 'New status page' });
    await newPage.getByLabel('Address /status/').fill('home');
    await newPage.getByLabel('Title').fill('Home services');
    await newPage.getByLabel('server-health').check();
    await newPage.getByRole('button', { name: 'Create page' }).click();
    await pagesSection.getByText('Status page home created.').waitFor();
    const href = await pagesSection.getByRole('link', { name: '/status/home' }).getAttribute('href');
    const publicPage = await fetch(running.url + href!);
    expect(publicPage.status).to.equal(200);
    expect(await publicPage.text()).to.contain('Home services').and.to.contain('server-health');
    await pagesSection.getByRole('button', { name: 'Edit status page home' }).click();
    const edit = page.getByRole('form', { name: 'Edit status page home' });
    await edit.getByLabel('Title').fill('Home lab');
    await edit.getByRole('button', { name: 'Save page' }).click();
    await pagesSection.locator('td', { hasText: 'Home lab' }).waitFor();
    await shot('settings');
    page.once('dialog', (d) => void d.accept());
    await pagesSection.getByRole('button', { name: 'Delete status page home' }).click();
    await pagesSection.getByText('No status pages yet.').waitFor();
    expect((await fetch(running.url + href!)).status).to.equal(404);
    expect(consoleErrors.filter((e) => !/status of 409/.test(e))).to.deep.equal([]);
  });

  it('shows a viewer no edit buttons', async () => {
    const cookie = await adminCookie();
    const res = await fetch(`${running.url}/api/v1/users`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'test' }, body: JSON.stringify({ ...VIEWER, role: 'viewer' }) });
    expect(res.status, await res.clone().text()).to.equal(201);
    await login(VIEWER, '/alerts');
    // The alerts are firing (switches are still on), so an editor would see "Silence…" on each.
    await page.locator('page-alerts li', { hasText: 'switch b is on' }).waitFor();
    expect(await page.getByRole('link', { name: 'Silence…' }).count()).to.equal(0);
    await page.goto(running.url + '/checks');
    await page.locator('page-checks tr', { hasText: 'server-health' }).waitFor();
    expect(await page.getByRole('button', { name: 'New check' }).count()).to.equal(0);
    expect(await page.getByRole('button', { name: /^(Edit|Pause|Resume|Delete) / }).count()).to.equal(0);
    await shot('viewer-checks');
    await page.goto(running.url + '/settings');
    await page.locator('section[aria-label="Receivers"]').getByRole('cell', { name: 'hook', exact: true }).waitFor();
    expect(await page.locator('section[aria-label="Users"], section[aria-label="API keys"]').count()).to.equal(0);
    expect(await page.getByRole('button', { name: /Send test|New status page/ }).count()).to.equal(0);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('lists the alert in the Resolved section once its switch is off, and the webhook is sent the resolution', async () => {
    await login(ADMIN, '/alerts', 3600);
    await page.locator('page-alerts li', { hasText: 'switch b is on' }).waitFor();
    const resolvedSection = page.locator('page-alerts section[aria-label="Resolved alerts"]');
    expect(await resolvedSection.locator('tbody tr', { hasText: 'name="b"' }).count()).to.equal(0);
    switches.b = 0;
    // Over the stream: the page is not reloaded and polls once an hour.
    const row = resolvedSection.locator('tbody tr', { hasText: 'name="b"' });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.innerText()).to.contain('SwitchOn').and.to.contain('switch b is on').and.to.match(/ago/);
    expect(await page.locator('page-alerts section[aria-label="Active alerts"] li', { hasText: 'switch b is on' }).count()).to.equal(0);
    await waitFor('the resolved notification for switch b', () => received.find((b) => b.alerts.some((a) => a.labels.name === 'b' && a.status === 'resolved')));
    await shot('alerts-resolved');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('switches to the dark theme', async () => {
    await login(ADMIN);
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).to.equal('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g)!.map(Number) as [number, number, number];
    expect((r + g + b) / 3, `body background ${bg}`).to.be.lessThan(80);
    await page.locator('hl-host-card', { hasText: HOST }).waitFor();
    await shot('overview-dark');
    expect(consoleErrors).to.deep.equal([]);
  });

  it('fits the overview into a 375 × 812 phone screen', async () => {
    context = await browser.newContext({ viewport: { width: 375, height: 812 }, colorScheme: 'light' });
    page = await context.newPage();
    await page.goto(running.url + '/login');
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.locator('hl-host-card', { hasText: HOST }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(375);
    await shot('overview-phone');
  });
});
