/**
 * A whole server API over real parts for the v1, auth, stream and status tests: a fresh PostgreSQL
 * database, a real Scraper scraping a port-0 exporter and running an HTTP check against a port-0 site,
 * the real rules components (RuleManager, Silences, Dispatcher with a webhook receiver on port 0), a real
 * hlmon.yml in a temporary folder, and the app served on port 0 (supertest also drives its callback).
 */
import http from 'node:http';
import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { Registry } from 'prom-client';
import { systemClock, type Clock } from '@hlmon/model';
import { Engine } from '@hlmon/query';
import { Dispatcher, MemoryPersistence, parseAlertingConfig, parseRuleFile, RuleManager, Silences, engineQueryFn } from '@hlmon/rules';
import { parseConfig, Scraper, type HlmonConfig } from '@hlmon/scraper';
import { listenOnPort0, openTestStore, tempDir, type Listening, type TempDir, type TestStore } from '@hlmon/testkit';
import { sqlMigrations } from '@hlmon/store';
import { API_MIGRATIONS, createApp, createServerApi, middlewareAsRouter, prometheusRouter, restRouter, type Role, type ServerApi } from '@hlmon/api';
import type { Router } from '@koa/router';

/** Options of the harness. */
export interface HarnessOptions {
  readonly anonymousRole?: Role;
  readonly allowedOrigins?: string[];
  readonly clock?: Clock;
  readonly loginLimits?: { maxPerAddress: number; maxPerUser: number; windowMs: number };
  /** The stream's slow-client limit. */
  readonly streamMaxBufferedBytes?: number;
  /** Extra YAML appended to hlmon.yml. */
  readonly extraConfig?: string;
}

/** A running harness. */
export interface Harness {
  readonly api: ServerApi;
  /** The routers of other parts mounted beside the API's (hosts/containers, Prometheus API). */
  readonly otherRouters: readonly Router[];
  readonly agent: () => request.Agent;
  readonly url: string;
  readonly configFile: string;
  readonly scraper: Scraper;
  readonly site: { url: string; status: number };
  readonly webhook: { received: unknown[] };
  readonly exporter: Listening;
  readonly test: TestStore;
  /** Logged lines (to check that no secret is logged). */
  readonly logs: string[];
  /** An admin session agent (after `setup`). */
  admin(): Promise<request.Agent>;
  /** Creates a key for a role, returns its secret. */
  key(role: Role): Promise<string>;
  close(): Promise<void>;
}

/** The webhook receiver's config plus the rule file. */
function configText(exporterHost: string, siteUrl: string, webhookUrl: string, ruleFile: string, extra: string): string {
  return `global:
  scrape_interval: 1s
  scrape_timeout: 500ms
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['${exporterHost}']
checks:
  - name: site
    type: http
    target: ${siteUrl}
    interval: 1s
    timeout: 500ms
rule_files: ['${ruleFile}']
alerting:
  route:
    receiver: hook
  receivers:
    - name: hook
      webhook_configs:
        - url: ${webhookUrl}
${extra}`;
}

const RULES = `groups:
  - name: test
    interval: 1s
    rules:
      - alert: NodeUp
        expr: up{job="node"} == 1
        labels: { severity: info }
        annotations: { summary: "node is up" }
      - record: job:up:sum
        expr: sum by (job) (up)
`;

/** The admin's credentials. */
export const ADMIN = { username: 'admin', password: 'correct horse battery' };

/** Starts everything. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const clock = opts.clock ?? systemClock;
  const test = await openTestStore('postgres', {
    extraMigrations: sqlMigrations('api', API_MIGRATIONS),
  });
  const dir: TempDir = await tempDir('hlmon-api-');
  const exporter = await listenOnPort0((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end('# TYPE node_load1 gauge\nnode_load1 0.25\n# TYPE node_time_seconds gauge\nnode_time_seconds 1.7e9\n');
  });
  const site = { url: '', status: 200 };
  const siteServer = await listenOnPort0((_req, res) => { res.writeHead(site.status); res.end('hello'); });
  site.url = siteServer.url + '/';
  const webhook = { received: [] as unknown[] };
  const hookServer = await listenOnPort0((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => { webhook.received.push(JSON.parse(body || '{}')); res.writeHead(200); res.end(); });
  });
  const ruleFile = path.join(dir.path, 'rules.yml');
  await writeFile(ruleFile, RULES);
  const configFile = path.join(dir.path, 'hlmon.yml');
  await writeFile(configFile, configText(new URL(exporter.url).host, site.url, hookServer.url + '/hook', ruleFile, opts.extraConfig ?? ''));

  const store = test.store;
  const engine = new Engine({ querier: store.querier(), clock });
  const scraper = new Scraper({ appender: () => store.appender(), dataDir: dir.path, clock, retryDelayMs: 100 });
  const parsed = parseConfig(await readFile(configFile, 'utf8'), configFile);
  if ('errors' in parsed) throw new Error(JSON.stringify(parsed.errors));
  let current: HlmonConfig = parsed.config;
  const notifierDeps = { fetch: globalThis.fetch.bind(globalThis) };
  const silences = new Silences(clock, new MemoryPersistence());
  const dispatcher = new Dispatcher(parseAlertingConfig(current.alerting?.value ?? {}, notifierDeps), { clock, silences });
  const ruleManager = new RuleManager({ clock, query: engineQueryFn(engine), appender: () => store.appender(), sink: (a) => dispatcher.put(a), defaultIntervalMs: 1000 });
  const rules = parseRuleFile(RULES, ruleFile);
  await ruleManager.load(rules.groups);
  const applied = await scraper.applyConfig(current);
  if (applied.errors.length > 0) throw new Error(applied.errors.join('; '));
  await scraper.start();
  await dispatcher.start();
  const background = new AbortController();
  const runs = [ruleManager.run(background.signal), dispatcher.run(background.signal)];

  const logs: string[] = [];
  const api = createServerApi({
    sql: (text, params) => store.sql(text, params),
    clock, engine, scraper, rules: ruleManager, silences, dispatcher,
    config: {
      file: configFile,
      current: () => current,
      currentText: () => readFile(configFile, 'utf8'),
      parse: (text) => parseConfig(text, configFile),
      apply: async (cfg) => {
        const c = cfg as HlmonConfig;
        try {
          const alerting = parseAlertingConfig(c.alerting?.value ?? {}, notifierDeps);
          const r = await scraper.applyConfig(c);
          if (r.errors.length > 0) return r;
          dispatcher.applyConfig(alerting);
        } catch (err) {
          return { errors: [(err as Error).message] };
        }
        current = c;
        return { errors: [] };
      },
    },
    auth: { anonymousRole: opts.anonymousRole, ...(opts.loginLimits ? { loginLimits: opts.loginLimits } : {}) },
    ...(opts.allowedOrigins ? { allowedOrigins: opts.allowedOrigins } : {}),
    alertPollMs: 200,
    stream: { heartbeatMs: 2000, ...(opts.streamMaxBufferedBytes ? { maxBufferedBytes: opts.streamMaxBufferedBytes } : {}) },
    log: (line) => logs.push(line),
  });
  const otherRouters = [
    restRouter({ engine, querier: store.querier(), clock }),
    prometheusRouter({ engine, querier: store.querier(), clock, version: 'test' }),
  ];
  const app = createApp({
    registry: new Registry(),
    ready: () => true,
    routers: [middlewareAsRouter(api.middleware), ...otherRouters, ...api.routers],
    log: (line) => logs.push(line),
  });
  const server = http.createServer(app.callback());
  const listening = await listenOnPort0(server);
  api.attach(server);
  const callback = app.callback();

  let adminAgent: request.Agent | undefined;
  const harness: Harness = {
    api, otherRouters, url: listening.url, configFile, scraper, site, webhook, exporter, test, logs,
    agent: () => request.agent(callback),
    async admin() {
      if (adminAgent) return adminAgent;
      const a = request.agent(callback);
      const setup = await a.post('/api/v1/setup').send(ADMIN);
      if (setup.status !== 201) await a.post('/api/v1/session').set('X-Requested-With', 'test').send(ADMIN).expect(200);
      adminAgent = a;
      return a;
    },
    async key(role) {
      const a = await harness.admin();
      const res = await a.post('/api/v1/keys').set('X-Requested-With', 'test').send({ name: `${role}-key`, role }).expect(201);
      return res.body.secret as string;
    },
    async close() {
      await api.close();
      await listening.close();
      background.abort();
      await ruleManager.stop();
      await dispatcher.stop();
      await Promise.allSettled(runs);
      await scraper.stop();
      await Promise.all([exporter.close(), siteServer.close(), hookServer.close()]);
      await test.dispose();
      await dir.remove();
    },
  };
  return harness;
}
