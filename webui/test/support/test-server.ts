/**
 * A real hlmon HTTP server for the web UI's tests and benchmark: the Koa app of @hlmon/api with the
 * Prometheus router and the REST router over a MemoryStorage holding generated host and check data, answered
 * by hlmon's PromQL engine (or, as a reference, a real Prometheus over the same samples), and the built web UI.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry } from 'prom-client';
import { systemClock, type Clock } from '@hlmon/model';
import { Engine, MemoryStorage, QueryError, formatPromValue, parseExpr } from '@hlmon/query';
import type { ApiEngine } from '@hlmon/api';
import { createApp, prometheusRouter, restRouter, webuiRouter, StreamHub, type Authenticator } from '@hlmon/api';
import { PrometheusQueryError, parseSimpleSelector, startPrometheusEngine, type PrometheusEngine } from './prometheus-engine.js';
import { pendingEndpointsRouter, type StandInCheck } from './pending-endpoints.js';
import type { GeneratedSample } from './host-data.js';

/** The webui package folder. */
export const WEBUI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Builds the web UI when dist/ is missing. CI runs `npm run build` before the tests, so this only costs
 * time on a fresh checkout.
 */
export function ensureWebuiBuilt(): string {
  const dist = path.join(WEBUI_DIR, 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) {
    const r = spawnSync(process.execPath, [path.join(WEBUI_DIR, 'scripts', 'build.mjs')], { cwd: WEBUI_DIR, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`webui build failed: ${r.stderr}`);
  }
  return dist;
}

/** A running test server. */
export interface TestServer {
  readonly url: string;
  readonly storage: MemoryStorage;
  readonly engine: ApiEngine;
  /** The live stream; `seriesChanged()` after appending is what the server does after each scrape. */
  readonly stream: StreamHub;
  stop(): Promise<void>;
}

/** Starts the server over the given samples (appended to a MemoryStorage and backfilled into Prometheus). */
export async function startTestServer(
  samples: () => Iterable<GeneratedSample>,
  opts: {
    clock?: Clock;
    /** Which PromQL engine answers: hlmon's (default) or a real Prometheus over the same samples (the reference). */
    engine?: 'hlmon' | 'prometheus';
    /** The same samples family by family, for backfilling large data sets into Prometheus. */
    groupedSamples?: () => Iterable<GeneratedSample>;
    /** The checks GET /api/v1/checks lists (the stand-in's PATCH pauses and edits them in memory). */
    checks?: StandInCheck[];
    /** What /prometheus/api/v1/targets lists as active targets (the scraper's view: URL, last error). */
    activeTargets?: object[];
  } = {},
): Promise<TestServer> {
  const clock = opts.clock ?? systemClock;
  const dist = ensureWebuiBuilt();
  const storage = new MemoryStorage();
  // Committed in batches so a large data set never sits in one appender's buffer.
  let app = storage.appender();
  let buffered = 0;
  for (const s of samples()) {
    app.append(s.labels, s.t, s.v);
    if (++buffered === 500_000) { await app.commit(); app = storage.appender(); buffered = 0; }
  }
  await app.commit();
  let prometheus: PrometheusEngine | undefined;
  if (opts.engine === 'prometheus') {
    prometheus = opts.groupedSamples ? await startPrometheusEngine(opts.groupedSamples(), { grouped: true }) : await startPrometheusEngine(samples());
  }
  const engine: ApiEngine = prometheus ?? new Engine({ querier: storage, clock });
  // Alerts as the rules engine will report them, computed from the data: every node target whose `up` is 0.
  const alerts = async () => {
    const res = await engine.instantQuery('up{job="node"} == 0', clock.now());
    const list = res.resultType === 'vector' ? res.result : [];
    return {
      alerts: list.map((s) => ({
        labels: { alertname: 'HostDown', severity: 'critical', job: s.labels.get('job'), instance: s.labels.get('instance') },
        annotations: { summary: `${s.labels.get('instance')} is not answering scrapes` },
        state: 'firing', activeAt: new Date(clock.now() - 600_000).toISOString(), value: '0e+00',
      })),
    };
  };
  const rules = async () => ({
    groups: [{
      name: 'hosts', file: '/etc/hlmon/rules/hosts.yml', interval: 15, evaluationTime: 0.0021, lastEvaluation: new Date(clock.now() - 5000).toISOString(), limit: 0,
      rules: [
        { name: 'HostDown', query: 'up{job="node"} == 0', duration: 60, labels: { severity: 'critical' }, annotations: {}, alerts: [], health: 'ok', evaluationTime: 0.001, lastEvaluation: new Date(clock.now() - 5000).toISOString(), state: (await alerts()).alerts.length ? 'firing' : 'inactive', type: 'alerting' },
        { name: 'instance:node_cpu:ratio', query: '1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))', labels: {}, health: 'ok', evaluationTime: 0.0011, lastEvaluation: new Date(clock.now() - 5000).toISOString(), type: 'recording' },
      ],
    }],
  });
  const koa = createApp({
    registry: new Registry(),
    ready: () => true,
    log: (line) => process.stderr.write(line + '\n'),
    routers: [
      prometheusRouter({
        engine, querier: storage, clock, version: 'test',
        parseSelector: prometheus ? parseSimpleSelector : parseSelector,
        formatValue: formatPromValue,
        errorType: (err) => (err instanceof PrometheusQueryError ? err.errorType : err instanceof QueryError ? err.type : undefined),
        alerts, rules,
        targets: async () => ({ activeTargets: opts.activeTargets ?? [], droppedTargets: [] }),
      }),
      restRouter({ engine, querier: storage, clock }),
      pendingEndpointsRouter(() => clock.now(), opts.checks ?? []),
      webuiRouter(dist),
    ],
  });
  const server = http.createServer(koa.callback());
  // The real stream hub, so the UI goes live as it does against the server; nothing publishes here, so the
  // pages keep the data they loaded. There are no users in this server: every connection is a viewer.
  const anyone = { principalFromHeaders: async () => ({ kind: 'anonymous', role: 'viewer' }) } as unknown as Authenticator;
  const stream = new StreamHub({ auth: anyone, engine, clock });
  stream.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, storage, engine, stream,
    stop: async () => {
      await stream.close();
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      await prometheus?.stop();
    },
  };
}

/** A series selector's matchers, through hlmon's PromQL parser. */
function parseSelector(selector: string) {
  const ast = parseExpr(selector);
  if (ast.kind !== 'vectorSelector') throw new Error(`not a series selector: ${selector}`);
  return [...ast.matchers];
}
