/**
 * Loads hlmon.yml: parses with positions, validates every section, fills Prometheus's defaults and
 * returns either the config or every error at once.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import { isValidLabelName } from '@hlmon/model';
import { readRelabelConfig } from './relabel-config.js';
import { type ConfigContext as Ctx, ConfigContext, type ConfigError, MapReader, scalarString } from './reader.js';
import type {
  Authorization, BasicAuth, CheckConfig, CheckType, DnsCheckConfig, FileSdConfig, GlobalConfig, HlmonConfig,
  HttpCheckConfig, RawSection, ScrapeConfig, ServerConfig, TargetGroup, TcpCheckConfig, TlsConfig,
} from './types.js';

/** The outcome of loading: a config, or the list of every error. */
export type ConfigResult = { config: HlmonConfig; errors?: undefined } | { config?: undefined; errors: ConfigError[] };

/** Options for parseConfig. */
export interface ParseConfigOptions {
  /** Variables for `${NAME}` substitution; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const DEFAULT_SCRAPE_INTERVAL_MS = 60_000;
const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;
const DEFAULT_EVALUATION_INTERVAL_MS = 60_000;

/** Reads and validates a config file. A missing or unreadable file is reported as an error at 1:1. */
export async function loadConfigFile(file: string, options: ParseConfigOptions = {}): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { errors: [{ file, line: 1, column: 1, key: '', message: `cannot read config file: ${(e as Error).message}` }] };
  }
  return parseConfig(text, file, options);
}

/** Validates config text; `file` names it in errors and anchors relative paths. */
export function parseConfig(text: string, file: string, options: ParseConfigOptions = {}): ConfigResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const ctx = new ConfigContext(file, lines, options.env ?? process.env);
  for (const e of doc.errors) ctx.errorAt(e.pos[0], '', `YAML syntax: ${e.message.split('\n')[0]}`);
  if (ctx.errors.length > 0) return { errors: ctx.errors };

  const root = new MapReader(ctx, doc.contents as Node | null, '');
  const baseDir = path.dirname(path.resolve(file));
  const global = readGlobal(root.map('global'));
  const storage = readStorage(root.map('storage'), baseDir);
  const serverReader = root.map('server');
  const server = readServer(serverReader, baseDir);

  const scrapeConfigs = root.list('scrape_configs', (node, p) => readScrapeConfig(ctx, node, p, global, baseDir));
  const jobs = new Set<string>();
  root.list('scrape_configs', (node, p) => {
    const name = isMap(node) ? node.get('job_name') : undefined;
    if (typeof name === 'string') {
      if (jobs.has(name)) ctx.error(node, `${p}.job_name`, `found multiple scrape configs with job name "${name}"`);
      jobs.add(name);
    }
    return undefined;
  });

  const checks = root.list('checks', (node, p) => readCheck(ctx, node, p, global));
  const names = new Set<string>();
  root.list('checks', (node, p) => {
    const name = isMap(node) ? node.get('name') : undefined;
    if (typeof name === 'string') {
      if (names.has(name)) ctx.error(node, `${p}.name`, `duplicate check name "${name}"`);
      names.add(name);
    }
    return undefined;
  });

  const ruleFiles = root.strings('rule_files');
  const alertingNode = root.raw('alerting');
  let alerting: RawSection | undefined;
  if (alertingNode) {
    const pos = ctx.position(alertingNode);
    const [start, , end] = alertingNode.range ?? [0, 0, 0];
    // Re-indented source would shift columns; keep the raw slice and the line offset instead.
    alerting = { value: (alertingNode as Node).toJSON(), file, line: pos.line, column: pos.column, source: text.slice(start, end), lineOffset: pos.line - 1 };
  }
  root.done();

  if (ctx.errors.length > 0) return { errors: ctx.errors };
  const config: HlmonConfig = { global, storage, server, scrapeConfigs, checks, ruleFiles, file, ...(alerting ? { alerting } : {}) };
  return { config };
}

function readGlobal(m: MapReader): GlobalConfig {
  const scrapeIntervalMs = m.durationMs('scrape_interval', DEFAULT_SCRAPE_INTERVAL_MS);
  let scrapeTimeoutMs = m.durationMs('scrape_timeout', DEFAULT_SCRAPE_TIMEOUT_MS);
  const evaluationIntervalMs = m.durationMs('evaluation_interval', DEFAULT_EVALUATION_INTERVAL_MS);
  const externalLabels = m.stringMap('external_labels');
  for (const name of Object.keys(externalLabels)) {
    if (!isValidLabelName(name)) m.ctx.error(m.map('external_labels').keyNode(name), `global.external_labels.${name}`, `"${name}" is not a valid label name`);
  }
  if (scrapeIntervalMs === 0) m.ctx.error(m.raw('scrape_interval'), 'global.scrape_interval', 'must be greater than 0');
  if (!m.has('scrape_timeout') && scrapeTimeoutMs > scrapeIntervalMs) scrapeTimeoutMs = scrapeIntervalMs;
  if (scrapeTimeoutMs > scrapeIntervalMs) {
    m.ctx.error(m.raw('scrape_timeout'), 'global.scrape_timeout', 'global scrape timeout greater than scrape interval');
  }
  m.done();
  return { scrapeIntervalMs, scrapeTimeoutMs, evaluationIntervalMs, externalLabels };
}

function readStorage(m: MapReader, baseDir: string): HlmonConfig['storage'] {
  const url = m.str('url');
  const retentionMs = m.durationMs('retention', 15 * 24 * 3600_000);
  const dataDir = path.resolve(baseDir, m.str('data_dir', 'data'));
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) m.ctx.error(m.raw('url'), 'storage.url', 'must be a postgres:// or postgresql:// URL');
  m.done();
  return { ...(url !== undefined && url !== '' ? { url } : {}), retentionMs, dataDir };
}

/** Reads `tls_config`. */
function readTls(m: MapReader, baseDir: string): TlsConfig {
  const file = (k: string): string | undefined => {
    const v = m.str(k);
    return v === undefined ? undefined : path.resolve(baseDir, v);
  };
  const tls: TlsConfig = {
    ...opt('caFile', file('ca_file')),
    ...opt('certFile', file('cert_file')),
    ...opt('keyFile', file('key_file')),
    ...opt('serverName', m.str('server_name')),
    insecureSkipVerify: m.bool('insecure_skip_verify', false),
  };
  m.str('min_version');
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) m.ctx.error(m.node, m.path, 'cert_file and key_file must be given together');
  m.done();
  return tls;
}

function opt<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

function readScrapeConfig(ctx: Ctx, node: Node, p: string, global: GlobalConfig, baseDir: string): ScrapeConfig | undefined {
  const m = new MapReader(ctx, node, p);
  const before = ctx.errors.length;
  const jobName = m.str('job_name', '');
  if (jobName === '') ctx.error(node, `${p}.job_name`, 'job_name is empty');
  const scrapeIntervalMs = m.durationMs('scrape_interval', global.scrapeIntervalMs);
  let scrapeTimeoutMs = m.durationMs('scrape_timeout', global.scrapeTimeoutMs);
  // Prometheus: an inherited timeout larger than the job's interval is capped; an explicit one is an error.
  if (!m.has('scrape_timeout') && scrapeTimeoutMs > scrapeIntervalMs) scrapeTimeoutMs = scrapeIntervalMs;
  if (scrapeTimeoutMs > scrapeIntervalMs) {
    ctx.error(m.raw('scrape_timeout'), `${p}.scrape_timeout`, `scrape timeout greater than scrape interval for scrape config with job name "${jobName}"`);
  }
  if (scrapeIntervalMs === 0) ctx.error(m.raw('scrape_interval'), `${p}.scrape_interval`, 'must be greater than 0');
  const metricsPath = m.str('metrics_path', '/metrics');
  if (!metricsPath.startsWith('/')) ctx.error(m.raw('metrics_path'), `${p}.metrics_path`, 'must start with /');
  const schemeText = m.str('scheme', 'http');
  if (schemeText !== 'http' && schemeText !== 'https') ctx.error(m.raw('scheme'), `${p}.scheme`, `unknown scheme "${schemeText}" (http or https)`);
  const scheme = schemeText === 'https' ? 'https' : 'http';

  const paramsReader = m.map('params');
  const params: Record<string, string[]> = {};
  for (const k of paramsReader.keys()) params[k] = paramsReader.strings(k);
  paramsReader.done();

  let basicAuth: BasicAuth | undefined;
  if (m.has('basic_auth')) {
    const b = m.map('basic_auth');
    const username = b.str('username', '');
    const password = b.str('password');
    const passwordFile = b.str('password_file');
    if (password !== undefined && passwordFile !== undefined) ctx.error(b.node, b.path, 'at most one of password and password_file must be configured');
    b.done();
    basicAuth = { username, ...opt('password', password), ...opt('passwordFile', passwordFile && path.resolve(baseDir, passwordFile)) };
  }
  let authorization: Authorization | undefined;
  if (m.has('authorization')) {
    const a = m.map('authorization');
    const type = a.str('type', 'Bearer');
    const credentials = a.str('credentials');
    const credentialsFile = a.str('credentials_file');
    if (type.toLowerCase() === 'basic') ctx.error(a.raw('type'), `${a.path}.type`, "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
    if (credentials !== undefined && credentialsFile !== undefined) ctx.error(a.node, a.path, 'at most one of credentials and credentials_file must be configured');
    a.done();
    authorization = { type, ...opt('credentials', credentials), ...opt('credentialsFile', credentialsFile && path.resolve(baseDir, credentialsFile)) };
  }
  const bearerToken = m.str('bearer_token');
  const bearerTokenFile = m.str('bearer_token_file');
  if (bearerToken !== undefined || bearerTokenFile !== undefined) {
    if (authorization) ctx.error(m.keyNode('bearer_token') ?? m.keyNode('bearer_token_file'), `${p}.bearer_token`, 'at most one of bearer_token, bearer_token_file and authorization must be configured');
    authorization = { type: 'Bearer', ...opt('credentials', bearerToken), ...opt('credentialsFile', bearerTokenFile && path.resolve(baseDir, bearerTokenFile)) };
  }
  if (basicAuth && authorization) ctx.error(node, p, 'at most one of basic_auth and authorization (or bearer_token) must be configured');
  const tls = readTls(m.map('tls_config'), baseDir);
  const followRedirects = m.bool('follow_redirects', true);
  m.bool('enable_http2', true);

  const staticConfigs = m.list('static_configs', (n, sp) => readTargetGroup(ctx, n, sp, `static:${jobName}`));
  const fileSdConfigs = m.list('file_sd_configs', (n, sp): FileSdConfig | undefined => {
    const f = new MapReader(ctx, n, sp);
    const files = f.strings('files').map((x) => path.resolve(baseDir, x));
    if (files.length === 0) ctx.error(n, `${sp}.files`, 'file service discovery config must contain at least one path name');
    for (const [i, x] of files.entries()) {
      if (!/\.(json|ya?ml)$/.test(x)) ctx.error(n, `${sp}.files[${i}]`, `path name "${x}" is not valid for file discovery (use .json, .yml or .yaml)`);
    }
    const refreshIntervalMs = f.durationMs('refresh_interval', 300_000);
    f.done();
    return { files, refreshIntervalMs };
  });
  const relabelConfigs = m.list('relabel_configs', (n, sp) => readRelabelConfig(ctx, n, sp));
  const metricRelabelConfigs = m.list('metric_relabel_configs', (n, sp) => readRelabelConfig(ctx, n, sp));
  const honorLabels = m.bool('honor_labels', false);
  const honorTimestamps = m.bool('honor_timestamps', true);
  const sampleLimit = m.int('sample_limit', 0);
  const labelLimit = m.int('label_limit', 0);
  const labelNameLengthLimit = m.int('label_name_length_limit', 0);
  const labelValueLengthLimit = m.int('label_value_length_limit', 0);
  const bodySizeLimitBytes = m.bytes('body_size_limit', 0);
  m.done();
  if (ctx.errors.length > before) return undefined;
  return {
    jobName, scrapeIntervalMs, scrapeTimeoutMs, metricsPath, scheme, params, tls, followRedirects,
    ...opt('basicAuth', basicAuth), ...opt('authorization', authorization),
    staticConfigs, fileSdConfigs, relabelConfigs, metricRelabelConfigs, honorLabels, honorTimestamps,
    sampleLimit, labelLimit, labelNameLengthLimit, labelValueLengthLimit, bodySizeLimitBytes,
  };
}

/** Reads one `{ targets, labels }` group; exported for file_sd files. */
export function readTargetGroup(ctx: Ctx, node: Node, p: string, source: string): TargetGroup | undefined {
  const m = new MapReader(ctx, node, p);
  const targets = m.strings('targets');
  // Targets are checked only after relabeling (as Prometheus does): blackbox-style configs list URLs here.
  for (const [i, t] of targets.entries()) {
    if (t === '') ctx.error(m.raw('targets'), `${p}.targets[${i}]`, 'empty target');
  }
  const labels = m.stringMap('labels');
  for (const name of Object.keys(labels)) {
    if (!isValidLabelName(name)) ctx.error(m.map('labels').keyNode(name), `${p}.labels.${name}`, `"${name}" is not a valid label name`);
  }
  m.done();
  return { targets, labels, source };
}

const CHECK_TYPES: readonly CheckType[] = ['http', 'tcp', 'dns'];

function readRegex(ctx: Ctx, m: MapReader, key: string): RegExp | undefined {
  const s = m.str(key);
  if (s === undefined) return undefined;
  try {
    return new RegExp(s.replace(/\(\?P</g, '(?<'));
  } catch (e) {
    ctx.error(m.raw(key), m.keyPath(key), `invalid regex: ${(e as Error).message}`);
    return undefined;
  }
}

function readCheck(ctx: Ctx, node: Node, p: string, global: GlobalConfig): CheckConfig | undefined {
  const m = new MapReader(ctx, node, p);
  const before = ctx.errors.length;
  const name = m.str('name', '');
  if (name === '') ctx.error(node, `${p}.name`, 'a check needs a name');
  const typeText = m.str('type', '');
  if (!(CHECK_TYPES as readonly string[]).includes(typeText)) {
    ctx.error(m.raw('type') ?? node, `${p}.type`, `check type must be one of ${CHECK_TYPES.join(', ')}, got "${typeText}"`);
  }
  const type = typeText as CheckType;
  const target = m.str('target', '');
  if (target === '') ctx.error(node, `${p}.target`, 'a check needs a target');
  const intervalMs = m.durationMs('interval', global.scrapeIntervalMs);
  const timeoutMs = m.durationMs('timeout', Math.min(global.scrapeTimeoutMs, intervalMs));
  if (timeoutMs > intervalMs) ctx.error(m.raw('timeout'), `${p}.timeout`, 'timeout greater than interval');
  if (intervalMs === 0) ctx.error(m.raw('interval'), `${p}.interval`, 'must be greater than 0');
  const paused = m.bool('paused', false);
  const labels = m.stringMap('labels');
  for (const l of Object.keys(labels)) {
    if (!isValidLabelName(l) || l.startsWith('__')) ctx.error(m.map('labels').keyNode(l), `${p}.labels.${l}`, `"${l}" is not a valid label name`);
    if (l === 'job' || l === 'check' || l === 'instance') ctx.error(m.map('labels').keyNode(l), `${p}.labels.${l}`, `"${l}" is set by hlmon and cannot be overridden`);
  }
  let http: HttpCheckConfig | undefined;
  let tcp: TcpCheckConfig | undefined;
  let dns: DnsCheckConfig | undefined;
  for (const other of CHECK_TYPES) {
    if (other !== type && m.has(other)) ctx.error(m.keyNode(other), `${p}.${other}`, `settings for ${other} given on a ${typeText} check`);
  }
  if (type === 'http') {
    if (target !== '' && !/^https?:\/\/[^/]/.test(target)) ctx.error(m.raw('target'), `${p}.target`, 'an http check target must be an http:// or https:// URL');
    const h = m.map('http');
    const validStatusCodes = h.list('valid_status_codes', (n, sp) => {
      const v = isScalar(n) ? n.value : undefined;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 100 || v > 599) { ctx.error(n, sp, 'expected an HTTP status code (100-599)'); return undefined; }
      return v;
    });
    const body = h.str('body');
    const keyword = h.str('keyword');
    const regex = readRegex(ctx, h, 'regex');
    http = {
      method: h.str('method', 'GET').toUpperCase(), headers: h.stringMap('headers'), ...opt('body', body), validStatusCodes,
      ...opt('keyword', keyword), ...opt('regex', regex), invert: h.bool('invert', false),
      followRedirects: h.bool('follow_redirects', true), failIfNotSsl: h.bool('fail_if_not_ssl', false),
      tls: readTls(h.map('tls_config'), '.'),
    };
    h.done();
  } else if (type === 'tcp') {
    if (target !== '' && !/^[^/]+:\d+$/.test(target)) ctx.error(m.raw('target'), `${p}.target`, 'a tcp check target must be host:port');
    const t = m.map('tcp');
    const queryResponse = t.list('query_response', (n, sp) => {
      const q = new MapReader(ctx, n, sp);
      const expect = readRegex(ctx, q, 'expect');
      const send = q.str('send');
      q.done();
      return { ...opt('expect', expect), ...opt('send', send) };
    });
    tcp = { tls: t.bool('tls', false), tlsConfig: readTls(t.map('tls_config'), '.'), queryResponse };
    t.done();
  } else if (type === 'dns') {
    const d = m.map('dns');
    const qt = d.str('query_type', 'A').toUpperCase();
    const types = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV'];
    if (!types.includes(qt)) ctx.error(d.raw('query_type'), `${d.path}.query_type`, `query_type must be one of ${types.join(', ')}`);
    const server = d.str('server');
    const validAnswers = d.list('valid_answers', (n, sp) => {
      const s = scalarString(ctx, n, sp);
      if (s === undefined) return undefined;
      try { return new RegExp(s); } catch (e) { ctx.error(n, sp, `invalid regex: ${(e as Error).message}`); return undefined; }
    });
    dns = { queryType: qt as DnsCheckConfig['queryType'], ...opt('server', server), validAnswers };
    d.done();
  }
  m.done();
  if (ctx.errors.length > before) return undefined;
  return { name, type, target, intervalMs, timeoutMs, labels, ...(paused ? { paused: true } : {}), ...opt('http', http), ...opt('tcp', tcp), ...opt('dns', dns) };
}

/** `server`: listen address, API access (anonymous role, CORS) and optional TLS. */
function readServer(m: MapReader, baseDir: string): ServerConfig {
  const listenAddress = m.str('listen_address', '0.0.0.0:9800');
  const auth = m.map('auth');
  const anonymous = auth.str('anonymous');
  if (anonymous !== undefined && !['viewer', 'editor', 'admin'].includes(anonymous)) {
    auth.ctx.error(auth.raw('anonymous'), auth.keyPath('anonymous'), 'must be viewer, editor or admin');
  }
  auth.done();
  const cors = m.map('cors');
  const allowedOrigins = cors.strings('allowed_origins');
  cors.done();
  const tls = m.map('tls');
  const certFile = tls.str('cert_file');
  const keyFile = tls.str('key_file');
  if ((certFile === undefined) !== (keyFile === undefined)) { const k = certFile === undefined ? 'key_file' : 'cert_file'; tls.ctx.error(tls.raw(k), tls.keyPath(k), 'cert_file and key_file go together'); }
  tls.done();
  m.done();
  return {
    listenAddress,
    ...(anonymous !== undefined ? { anonymousRole: anonymous as 'viewer' | 'editor' | 'admin' } : {}),
    allowedOrigins,
    ...(certFile !== undefined && keyFile !== undefined ? { tls: { certFile: path.resolve(baseDir, certFile), keyFile: path.resolve(baseDir, keyFile) } } : {}),
  };
}
