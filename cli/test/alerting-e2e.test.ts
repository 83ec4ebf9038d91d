import { expect } from 'chai';
import { waitFor as kitWaitFor } from '@hlmon/testkit';
import fs from 'node:fs';
import path from 'node:path';
import { gaugeTarget, webhookReceiver } from './helpers.js';
import { freshPostgresDatabase, tempDir, type FreshDatabase, type Listening, type TempDir } from '@hlmon/testkit';
import { loadConfigFile } from '@hlmon/scraper';
import { createLogger, startServer, type RunningServer } from '@hlmon/cli';

interface WebhookBody { status: string; alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[] }

const waitFor = <T>(what: string, fn: () => T | undefined | Promise<T | undefined>) => kitWaitFor(what, fn, { timeoutMs: 40_000 });

describe('alerting end to end through hlmon server', function () {
  this.timeout(180_000);
  let db: FreshDatabase;
  let dir: TempDir;
  let target: Listening;
  let webhook: Listening;
  const temperature: Record<string, number> = { attic: 20, cellar: 10 };
  const received: WebhookBody[] = [];
  let running: RunningServer | undefined;
  let configFile: string;

  before(async () => {
    db = await freshPostgresDatabase();
    dir = await tempDir();
    target = await gaugeTarget('room_temperature_celsius', 'room', temperature);
    webhook = await webhookReceiver(received);
    fs.mkdirSync(path.join(dir.path, 'rules'));
    fs.writeFileSync(path.join(dir.path, 'rules', 'rooms.yml'), `groups:
  - name: rooms
    interval: 1s
    rules:
      - alert: RoomHot
        expr: room_temperature_celsius > 50
        for: 2s
        labels: { severity: warning }
        annotations: { summary: '{{ $labels.room }} is {{ $value }} degrees' }
`);
    configFile = path.join(dir.path, 'hlmon.yml');
    fs.writeFileSync(configFile, `global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }
storage: { data_dir: ${JSON.stringify(dir.path)} }
rule_files: ['rules/*.yml']
scrape_configs:
  - job_name: rooms
    static_configs: [{ targets: ['${new URL(target.url).host}'] }]
alerting:
  route: { receiver: hook, group_wait: 0s, group_interval: 1s, repeat_interval: 1h }
  receivers:
    - name: hook
      webhook_configs: [{ url: '${webhook.url}/alerts', send_resolved: true }]
`);
  });
  after(async () => {
    await running?.stop();
    await target?.close();
    await webhook?.close();
    await db?.drop();
    await dir?.remove();
  });

  async function start(): Promise<RunningServer> {
    const loaded = await loadConfigFile(configFile);
    if (loaded.errors) throw new Error(JSON.stringify(loaded.errors));
    return startServer({ databaseUrl: db.url, dataDir: dir.path, listen: '127.0.0.1:0', config: loaded.config, configFile, log: createLogger({ level: 'error' }) });
  }

  it('fires after `for`, notifies the webhook in Alertmanager format, honours a silence made through the API, and sends the resolution once', async () => {
    running = await start();
    // First-run setup creates the admin and its session; the session creates an API key for the rest.
    const setup = await fetch(`${running.url}/api/v1/setup`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-requested-with': 'test' }, body: JSON.stringify({ username: 'admin', password: 'correct horse battery' }) });
    expect(setup.status).to.equal(201);
    const cookie = setup.headers.get('set-cookie')!.split(';')[0]!;
    const keyRes = await fetch(`${running.url}/api/v1/keys`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-requested-with': 'test' }, body: JSON.stringify({ name: 'e2e', role: 'editor' }) });
    expect(keyRes.status, await keyRes.clone().text()).to.equal(201);
    const { secret } = await keyRes.json() as { secret: string };
    const auth = { authorization: `Bearer ${secret}` };
    expect((await fetch(`${running.url}/prometheus/api/v1/query?query=up`)).status, 'no anonymous access with this config').to.equal(401);
    await waitFor('first scrape', async () => {
      const r = await (await fetch(`${running!.url}/prometheus/api/v1/query?query=up`, { headers: auth })).json() as { data: { result: unknown[] } };
      return r.data.result.length > 0 ? true : undefined;
    });
    const silence = await fetch(`${running.url}/api/v1/silences`, {
      method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ matchers: [{ name: 'room', value: 'cellar', isRegex: false }], endsAt: new Date(Date.now() + 3600_000).toISOString(), comment: 'flooding test' }),
    });
    expect(silence.status, await silence.clone().text()).to.equal(201);
    temperature.attic = 60;
    temperature.cellar = 70;
    const firing = await waitFor('a firing notification', () => received.find((b) => b.status === 'firing'));
    expect(firing.alerts[0]!.labels).to.include({ alertname: 'RoomHot', room: 'attic', severity: 'warning', job: 'rooms' });
    expect(firing.alerts[0]!.annotations.summary).to.equal('attic is 60 degrees');
    const alerts = await (await fetch(`${running.url}/prometheus/api/v1/alerts`, { headers: auth })).json() as { data: { alerts: { state: string; labels: { room: string } }[] } };
    expect(alerts.data.alerts.map((a) => `${a.labels.room}:${a.state}`).sort()).to.deep.equal(['attic:firing', 'cellar:firing']);
    const rules = await (await fetch(`${running.url}/prometheus/api/v1/rules`, { headers: auth })).json() as { data: { groups: { rules: { health: string; state: string }[] }[] } };
    expect(rules.data.groups[0]!.rules[0]).to.include({ health: 'ok', state: 'firing' });
    // Both fire, but the silenced one is never sent.
    await new Promise((r) => setTimeout(r, 3000));
    expect(received.flatMap((b) => b.alerts.map((a) => a.labels.room))).to.not.include('cellar');

    temperature.attic = 20;
    temperature.cellar = 10;
    await waitFor('a resolved notification', () => received.find((b) => b.status === 'resolved'));
    const count = received.length;
    await running.stop();
    running = undefined;

    // A restart with the same database must not notify again about what was already sent.
    running = await start();
    await new Promise((r) => setTimeout(r, 5000));
    expect(received.length, JSON.stringify(received.slice(count))).to.equal(count);
  });
});
