/**
 * The http probe, after blackbox_exporter's: one fresh connection per request (no keep-alive, so every
 * phase is measured), manual redirects, status and body checks, and per-phase durations summed over
 * redirects: resolve, connect, tls, processing (request sent to first response byte), transfer.
 */
import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import type { CheckConfig } from '../config/types.js';
import { earliestExpirySeconds, errorText, failed, type ProbeMetric, type ProbeResult } from './probe.js';

const MAX_REDIRECTS = 10;
const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

interface Phases { resolve: number; connect: number; tls: number; processing: number; transfer: number }

interface OneResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  tls: boolean;
  certExpiry: number;
  tlsVersion: string;
}

/** Runs one HTTP check. */
export async function probeHttp(check: CheckConfig, signal: AbortSignal): Promise<ProbeResult> {
  const cfg = check.http!;
  const phases: Phases = { resolve: 0, connect: 0, tls: 0, processing: 0, transfer: 0 };
  const metrics: ProbeMetric[] = [];
  const phaseMetrics = (): ProbeMetric[] =>
    (Object.keys(phases) as (keyof Phases)[]).map((phase) => ({ name: 'probe_http_duration_seconds', labels: { phase }, value: phases[phase] }));
  let url = new URL(check.target);
  let redirects = 0;
  let res: OneResponse;
  for (;;) {
    try {
      res = await requestOnce(url, check, phases, signal);
    } catch (e) {
      return failed(errorText(e, signal, check.timeoutMs), [...phaseMetrics(), { name: 'probe_http_redirects', value: redirects }]);
    }
    const location = res.headers.location;
    if (cfg.followRedirects && res.status >= 300 && res.status < 400 && location) {
      if (++redirects > MAX_REDIRECTS) return failed(`too many redirects (more than ${MAX_REDIRECTS})`, phaseMetrics());
      url = new URL(location, url);
      continue;
    }
    break;
  }
  metrics.push(...phaseMetrics(),
    { name: 'probe_http_status_code', value: res.status },
    { name: 'probe_http_content_length', value: Number(res.headers['content-length'] ?? -1) },
    { name: 'probe_http_uncompressed_body_length', value: Buffer.byteLength(res.body) },
    { name: 'probe_http_redirects', value: redirects },
    { name: 'probe_http_ssl', value: res.tls ? 1 : 0 },
  );
  if (res.tls) {
    if (!Number.isNaN(res.certExpiry)) metrics.push({ name: 'probe_ssl_earliest_cert_expiry', value: res.certExpiry });
    metrics.push({ name: 'probe_tls_version_info', labels: { version: res.tlsVersion.replace('v', ' ').replace('TLS ', 'TLS ') }, value: 1 });
  }
  const lastModified = res.headers['last-modified'];
  if (lastModified) metrics.push({ name: 'probe_http_last_modified_timestamp_seconds', value: Date.parse(lastModified) / 1000 });

  const okStatus = cfg.validStatusCodes.length === 0 ? res.status >= 200 && res.status < 300 : cfg.validStatusCodes.includes(res.status);
  let regexFailed = false;
  let reason = '';
  if (!okStatus) {
    reason = `HTTP status ${res.status} is not ${cfg.validStatusCodes.length === 0 ? '2xx' : 'one of ' + cfg.validStatusCodes.join(', ')}`;
  } else if (cfg.failIfNotSsl && !res.tls) {
    reason = 'final response was not over TLS (fail_if_not_ssl)';
  } else {
    const found = cfg.keyword !== undefined ? res.body.includes(cfg.keyword) : cfg.regex !== undefined ? cfg.regex.test(res.body) : undefined;
    if (found !== undefined && found === cfg.invert) {
      regexFailed = true;
      const what = cfg.keyword !== undefined ? `keyword "${cfg.keyword}"` : `regex ${String(cfg.regex)}`;
      reason = cfg.invert ? `body contains ${what} (invert)` : `body does not contain ${what}`;
    }
  }
  metrics.push({ name: 'probe_failed_due_to_regex', value: regexFailed ? 1 : 0 });
  return reason === '' ? { success: true, failureReason: '', metrics } : failed(reason, metrics);
}

function requestOnce(url: URL, check: CheckConfig, phases: Phases, signal: AbortSignal): Promise<OneResponse> {
  const cfg = check.http!;
  const isTls = url.protocol === 'https:';
  return new Promise<OneResponse>((resolve, reject) => {
    const t0 = performance.now();
    const host = url.hostname.replace(/^\[|\]$/g, '');
    lookup(host).then(({ address, family }) => {
      const tResolved = performance.now();
      phases.resolve += (tResolved - t0) / 1000;
      let tConnected = tResolved;
      let tSecure = tResolved;
      const options: https.RequestOptions = {
        method: cfg.method,
        host: address,
        family,
        port: url.port || (isTls ? 443 : 80),
        path: url.pathname + url.search,
        headers: { host: url.host, 'user-agent': 'hlmon-checks/0.1', ...cfg.headers },
        agent: false,
        signal,
        servername: cfg.tls.serverName ?? (/^[\d.:]+$/.test(host) ? undefined : host),
        rejectUnauthorized: !cfg.tls.insecureSkipVerify,
        ...(cfg.tls.caFile ? { ca: readFileSync(cfg.tls.caFile) } : {}),
      };
      const req = (isTls ? https : http).request(options, (res) => {
        const tFirstByte = performance.now();
        phases.processing += (tFirstByte - (isTls ? tSecure : tConnected)) / 1000;
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (bytes > BODY_LIMIT_BYTES) {
            req.destroy(new Error(`body larger than ${BODY_LIMIT_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          phases.transfer += (performance.now() - tFirstByte) / 1000;
          const sock = res.socket as TLSSocket;
          const cert = isTls ? sock.getPeerCertificate?.(true) : undefined;
          resolve({
            status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), tls: isTls,
            certExpiry: earliestExpirySeconds(cert), tlsVersion: isTls ? sock.getProtocol?.() ?? '' : '',
          });
        });
      });
      req.on('socket', (sock) => {
        sock.once('connect', () => {
          tConnected = performance.now();
          phases.connect += (tConnected - tResolved) / 1000;
        });
        sock.once('secureConnect', () => {
          tSecure = performance.now();
          phases.tls += (tSecure - tConnected) / 1000;
        });
      });
      req.on('error', reject);
      if (cfg.body !== undefined) req.write(cfg.body);
      req.end();
    }, (e: unknown) => {
      reject(new Error(`resolving ${host}: ${(e as Error).message}`, { cause: e }));
    });
  });
}
