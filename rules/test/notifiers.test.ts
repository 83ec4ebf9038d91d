/**
 * Notifiers. Chat services have no real server here, so each is tested against a local HTTP server that
 * checks the request shape the service's API documents; email goes to a real SMTP server (smtp-server) with
 * STARTTLS and auth; Alertmanager forwarding goes to Debian's real prometheus-alertmanager.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import { ManualClock } from '@hlmon/model';
import { BUILTIN_NOTIFIERS, buildReceiver, deliver, NotifierConfigError, type NotificationMessage, type Notifier } from '@hlmon/rules';
import { recordingServer, type RecordingServer } from './helpers/receiver.js';

const message: NotificationMessage = {
  version: '4', groupKey: '{}:{alertname="DiskFull"}', truncatedAlerts: 0, status: 'firing', receiver: 'ops',
  groupLabels: { alertname: 'DiskFull' }, commonLabels: { alertname: 'DiskFull', severity: 'warning' }, commonAnnotations: {},
  externalURL: 'http://hlmon.test',
  alerts: [
    { status: 'firing', labels: { alertname: 'DiskFull', severity: 'warning', instance: 'nas' }, annotations: { summary: 'nas /data is 95% full' }, startsAt: '2026-01-05T12:00:00.000Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://hlmon.test/graph', fingerprint: '0123456789abcdef' },
    { status: 'firing', labels: { alertname: 'DiskFull', severity: 'warning', instance: 'pi' }, annotations: { summary: 'pi / is 91% full' }, startsAt: '2026-01-05T12:01:00.000Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://hlmon.test/graph', fingerprint: 'fedcba9876543210' },
  ],
};

function make(key: string, raw: Record<string, unknown>): Notifier {
  return BUILTIN_NOTIFIERS[key]!(raw, { fetch }, key);
}

async function sendOnce(n: Notifier): Promise<void> {
  await n.send(message, AbortSignal.timeout(5000));
}

describe('notifiers against servers checking each service\'s documented request shape', () => {
  let srv: RecordingServer;
  beforeEach(async () => { srv = await recordingServer(); });
  afterEach(async () => { await srv.close(); });
  const last = () => srv.requests[srv.requests.length - 1]!;

  it('webhook posts Alertmanager webhook JSON version 4 with every alert', async () => {
    await sendOnce(make('webhook_configs', { url: `${srv.url}/hook` }));
    expect(last()).to.include({ method: 'POST', url: '/hook' });
    expect(last().headers['content-type']).to.equal('application/json');
    expect(last().json).to.deep.equal(message);
  });

  it('webhook truncates to max_alerts and counts the rest in truncatedAlerts', async () => {
    await sendOnce(make('webhook_configs', { url: srv.url, max_alerts: 1 }));
    const body = last().json as NotificationMessage;
    expect(body.alerts).to.have.length(1);
    expect(body.truncatedAlerts).to.equal(1);
  });

  it('slack posts an incoming-webhook message with one attachment (Slack API shape)', async () => {
    await sendOnce(make('slack_configs', { api_url: `${srv.url}/services/T/B/X`, channel: '#alerts' }));
    const body = last().json as { channel: string; attachments: { title: string; text: string; color: string }[] };
    expect(body.channel).to.equal('#alerts');
    expect(body.attachments[0]!.title).to.equal('[FIRING:2] DiskFull (warning)');
    expect(body.attachments[0]!.text).to.contain('nas /data is 95% full');
    expect(body.attachments[0]!.color).to.equal('danger');
  });

  it('discord posts a webhook message with an embed (Discord API shape)', async () => {
    await sendOnce(make('discord_configs', { webhook_url: `${srv.url}/api/webhooks/1/abc` }));
    const body = last().json as { embeds: { title: string; description: string; color: number }[] };
    expect(body.embeds[0]!.title).to.equal('[FIRING:2] DiskFull (warning)');
    expect(body.embeds[0]!.description).to.contain('pi / is 91% full');
    expect(body.embeds[0]!.color).to.be.a('number');
  });

  it('telegram calls the Bot API sendMessage with chat_id and text', async () => {
    await sendOnce(make('telegram_configs', { api_url: srv.url, bot_token: '123:ABC', chat_id: -1001 }));
    expect(last().url).to.equal('/bot123:ABC/sendMessage');
    expect(last().json).to.include({ chat_id: -1001 });
    expect((last().json as { text: string }).text).to.contain('[FIRING:2] DiskFull');
  });

  it('telegram treats an ok:false answer as a failed delivery', async () => {
    srv.responseBody = '{"ok":false,"description":"chat not found"}';
    const err = await make('telegram_configs', { api_url: srv.url, bot_token: 't', chat_id: 1 }).send(message, AbortSignal.timeout(5000)).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.contain('chat not found');
  });

  it('ntfy publishes JSON to the server root with topic, title, message and priority', async () => {
    await sendOnce(make('ntfy_configs', { url: srv.url, topic: 'homelab', token: 'tk' }));
    expect(last().url).to.equal('/');
    expect(last().headers['authorization']).to.equal('Bearer tk');
    expect(last().json).to.include({ topic: 'homelab', title: '[FIRING:2] DiskFull (warning)', priority: 4 });
  });

  it('gotify posts /message with the app token in X-Gotify-Key', async () => {
    await sendOnce(make('gotify_configs', { url: srv.url, token: 'AppToken' }));
    expect(last().url).to.equal('/message');
    expect(last().headers['x-gotify-key']).to.equal('AppToken');
    expect(last().json).to.include({ title: '[FIRING:2] DiskFull (warning)', priority: 5 });
  });

  it('pushover posts a form with token, user, title and message', async () => {
    await sendOnce(make('pushover_configs', { api_url: `${srv.url}/1/messages.json`, user_key: 'U1', token: 'T1' }));
    expect(last().headers['content-type']).to.equal('application/x-www-form-urlencoded');
    const form = new URLSearchParams(last().body);
    expect(form.get('token')).to.equal('T1');
    expect(form.get('user')).to.equal('U1');
    expect(form.get('title')).to.equal('[FIRING:2] DiskFull (warning)');
  });

  it('teams posts a MessageCard', async () => {
    await sendOnce(make('msteams_configs', { webhook_url: srv.url }));
    expect(last().json).to.include({ '@type': 'MessageCard', title: '[FIRING:2] DiskFull (warning)' });
  });

  it('matrix PUTs an m.text room message with a bearer token and a transaction id', async () => {
    await sendOnce(make('matrix_configs', { homeserver_url: srv.url, room_id: '!room:hs', access_token: 'secret' }));
    expect(last().method).to.equal('PUT');
    expect(last().url).to.match(/^\/_matrix\/client\/v3\/rooms\/!room%3Ahs\/send\/m\.room\.message\/[0-9a-f]{32}$/);
    expect(last().headers['authorization']).to.equal('Bearer secret');
    expect(last().json).to.include({ msgtype: 'm.text' });
  });
});

describe('notifier configuration', () => {
  it('rejects unknown fields, missing required fields and bad URLs at start, naming the field', () => {
    expect(() => make('webhook_configs', { url: 'http://x', colour: 1 })).to.throw(NotifierConfigError, 'unknown field colour');
    expect(() => make('telegram_configs', { bot_token: 't' })).to.throw(NotifierConfigError, 'chat_id must be an integer');
    expect(() => make('slack_configs', { api_url: 'ftp://x' })).to.throw(NotifierConfigError, 'api_url must be http or https');
    expect(() => make('email_configs', { to: 'a@b', from: 'c@d', smarthost: 'nohostport' })).to.throw(NotifierConfigError, 'smarthost must be host:port');
  });

  it('rejects a receiver with an unknown notifier type', () => {
    expect(() => buildReceiver({ name: 'r', pager_configs: [] }, { fetch }, 'receivers[0]')).to.throw(NotifierConfigError, 'unknown notifier type pager_configs');
  });
});

describe('delivery with retries and backoff', () => {
  let srv: RecordingServer;
  const clock = new ManualClock(0);
  const sleeps: number[] = [];
  const deps = { clock, sleep: async (ms: number) => { sleeps.push(ms); }, random: () => 1 };
  beforeEach(async () => { srv = await recordingServer(); sleeps.length = 0; });
  afterEach(async () => { await srv.close(); });
  const hook = () => make('webhook_configs', { url: srv.url });

  it('retries a 500 with doubling backoff and records the last error', async () => {
    srv.status = 500;
    const o = await deliver(hook(), message, { receiver: 'r', integration: 'webhook/0' }, { maxAttempts: 4, initialBackoffMs: 100 }, deps);
    expect(o).to.include({ ok: false, attempts: 4 });
    expect(o.error).to.contain('answered 500');
    expect(sleeps).to.deep.equal([100, 200, 400]);
    expect(srv.requests).to.have.length(4);
  });

  it('does not retry a 400, which a retry cannot fix', async () => {
    srv.status = 400;
    const o = await deliver(hook(), message, { receiver: 'r', integration: 'webhook/0' }, { maxAttempts: 4 }, deps);
    expect(o).to.include({ ok: false, attempts: 1 });
  });

  it('times out a receiver that does not answer and retries it', async () => {
    srv.delayMs = 2000;
    const o = await deliver(hook(), message, { receiver: 'r', integration: 'webhook/0' }, { maxAttempts: 2, timeoutMs: 100 }, deps);
    expect(o).to.include({ ok: false, attempts: 2 });
    expect(o.error).to.contain('timed out after 100ms');
  });

  it('retries a refused connection and succeeds when the receiver comes back', async () => {
    const port = srv.port;
    await srv.close();
    let attempts = 0;
    const flaky: Notifier = {
      kind: 'webhook', sendResolved: true,
      async send(m, signal) {
        attempts++;
        if (attempts < 3) await make('webhook_configs', { url: `http://127.0.0.1:${port}/` }).send(m, signal);
      },
    };
    const o = await deliver(flaky, message, { receiver: 'r', integration: 'webhook/0' }, { maxAttempts: 5, initialBackoffMs: 10 }, deps);
    expect(o).to.include({ ok: true, attempts: 3 });
    srv = await recordingServer();
  });

  it('lets a healthy receiver deliver while a faulty one is still retrying', async () => {
    const slow = await recordingServer();
    slow.status = 503;
    const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    let fastDoneWhileSlowBusy = false;
    const slowRun = deliver(make('webhook_configs', { url: slow.url }), message, { receiver: 'slow', integration: 'webhook/0' }, { maxAttempts: 3, initialBackoffMs: 300 }, { clock, sleep: realSleep });
    const fast = await deliver(hook(), message, { receiver: 'fast', integration: 'webhook/0' }, { maxAttempts: 3 }, { clock });
    fastDoneWhileSlowBusy = slow.requests.length < 3;
    const s = await slowRun;
    await slow.close();
    expect(fast.ok).to.equal(true);
    expect(fastDoneWhileSlowBusy).to.equal(true);
    expect(s).to.include({ ok: false, attempts: 3 });
  });
});

describe('email notifier against a real SMTP server on loopback', function () {
  this.timeout(20_000);
  let smtp: SMTPServer;
  let port = 0;
  const received: { from: string; to: string[]; data: string; user: string | undefined; secure: boolean }[] = [];

  before(async () => {
    smtp = new SMTPServer({
      secure: false, authOptional: false, logger: false,
      onAuth(auth, _session, cb) {
        if (auth.username === 'hlmon' && auth.password === 'pw') cb(null, { user: auth.username });
        else cb(new Error('Invalid username or password'));
      },
      onData(stream, session, cb) {
        let data = '';
        stream.on('data', (c: Buffer) => { data += c.toString('utf8'); });
        stream.on('end', () => {
          received.push({ from: String(session.envelope.mailFrom && session.envelope.mailFrom.address), to: session.envelope.rcptTo.map((r) => r.address), data, user: session.user as string | undefined, secure: session.secure });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    port = (smtp.server.address() as AddressInfo).port;
  });
  after(async () => { await new Promise<void>((r) => smtp.close(() => r())); });

  it('delivers over STARTTLS with authentication', async () => {
    const n = make('email_configs', { to: 'ops@home.lan', from: 'hlmon@home.lan', smarthost: `127.0.0.1:${port}`, auth_username: 'hlmon', auth_password: 'pw', tls_config: { insecure_skip_verify: true } });
    await n.send(message, AbortSignal.timeout(10_000));
    const m = received[received.length - 1]!;
    expect(m.to).to.deep.equal(['ops@home.lan']);
    expect(m.from).to.equal('hlmon@home.lan');
    expect(m.user).to.equal('hlmon');
    expect(m.secure).to.equal(true);
    expect(m.data).to.contain('Subject: [FIRING:2] DiskFull (warning)');
    expect(m.data).to.contain('nas /data is 95% full');
  });

  it('fails without retry when the server refuses the credentials', async () => {
    const n = make('email_configs', { to: 'ops@home.lan', from: 'hlmon@home.lan', smarthost: `127.0.0.1:${port}`, auth_username: 'hlmon', auth_password: 'wrong', tls_config: { insecure_skip_verify: true } });
    const o = await deliver(n, message, { receiver: 'mail', integration: 'email/0' }, { maxAttempts: 3, initialBackoffMs: 1 }, { clock: new ManualClock(0) });
    expect(o).to.include({ ok: false, attempts: 1 });
    expect(o.error).to.contain('Invalid username or password');
  });
});

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('forwarding to a real Alertmanager (Debian prometheus-alertmanager, API v2)', function () {
  this.timeout(30_000);
  let am: ChildProcess;
  let dir: string;
  let url: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hlmon-am-'));
    await writeFile(path.join(dir, 'am.yml'), 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    am = spawn('/usr/bin/prometheus-alertmanager', [
      `--config.file=${path.join(dir, 'am.yml')}`, `--storage.path=${dir}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=',
    ], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ok = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('alertmanager did not become ready');
  });
  after(async () => { am?.kill('SIGTERM'); await new Promise((r) => setTimeout(r, 200)); await rm(dir, { recursive: true, force: true }); });

  it('posts alerts that Alertmanager accepts and lists in /api/v2/alerts', async () => {
    const now = new Date().toISOString();
    const m: NotificationMessage = { ...message, alerts: message.alerts.map((a) => ({ ...a, startsAt: now })) };
    await make('alertmanager_configs', { url }).send(m, AbortSignal.timeout(5000));
    const listed = await (await fetch(`${url}/api/v2/alerts`)).json() as { labels: Record<string, string>; annotations: Record<string, string>; status: { state: string } }[];
    const instances = listed.map((a) => a.labels['instance']).sort();
    expect(instances).to.deep.equal(['nas', 'pi']);
    expect(listed.find((a) => a.labels['instance'] === 'nas')!.annotations).to.deep.equal({ summary: 'nas /data is 95% full' });
  });
});
