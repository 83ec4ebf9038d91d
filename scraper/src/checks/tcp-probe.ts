/**
 * The tcp probe, after blackbox_exporter's tcp prober: connect (optionally with TLS, reporting the
 * certificate's expiry), then an optional dialogue of expected regexes and lines to send.
 */
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import type { CheckConfig } from '../config/types.js';
import { earliestExpirySeconds, errorText, failed, type ProbeMetric, type ProbeResult } from './probe.js';

/** Runs one TCP check. */
export async function probeTcp(check: CheckConfig, signal: AbortSignal): Promise<ProbeResult> {
  const cfg = check.tcp!;
  const i = check.target.lastIndexOf(':');
  const host = check.target.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(check.target.slice(i + 1));
  const metrics: ProbeMetric[] = [];
  let socket: net.Socket | undefined;
  const t0 = performance.now();
  try {
    socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = cfg.tls
        ? tls.connect({
          host, port, servername: cfg.tlsConfig.serverName ?? (net.isIP(host) ? undefined : host),
          rejectUnauthorized: !cfg.tlsConfig.insecureSkipVerify,
          ...(cfg.tlsConfig.caFile ? { ca: readFileSync(cfg.tlsConfig.caFile) } : {}),
        }, () => resolve(s))
        : net.connect({ host, port }, () => resolve(s));
      s.once('error', reject);
      signal.addEventListener('abort', () => s.destroy(new Error('aborted')), { once: true });
    });
    metrics.push({ name: 'probe_tcp_connect_duration_seconds', value: (performance.now() - t0) / 1000 });
    if (cfg.tls) {
      const ts = socket as tls.TLSSocket;
      const expiry = earliestExpirySeconds(ts.getPeerCertificate(true));
      if (!Number.isNaN(expiry)) metrics.push({ name: 'probe_ssl_earliest_cert_expiry', value: expiry });
      metrics.push({ name: 'probe_tls_version_info', labels: { version: (ts.getProtocol() ?? '').replace('v', ' ') }, value: 1 });
    }
    const reason = await dialogue(socket, cfg.queryResponse, signal);
    if (reason !== '') {
      metrics.push({ name: 'probe_failed_due_to_regex', value: 1 });
      return failed(reason, metrics);
    }
    if (cfg.queryResponse.length > 0) metrics.push({ name: 'probe_failed_due_to_regex', value: 0 });
    return { success: true, failureReason: '', metrics };
  } catch (e) {
    return failed(errorText(e, signal, check.timeoutMs), metrics);
  } finally {
    socket?.destroy();
  }
}

/** Runs the expect/send steps; returns '' on success or the reason of the failure. */
async function dialogue(socket: net.Socket, steps: NonNullable<CheckConfig['tcp']>['queryResponse'], signal: AbortSignal): Promise<string> {
  if (steps.length === 0) return '';
  let received = '';
  const waiters: (() => void)[] = [];
  let closed = false;
  socket.on('data', (d: Buffer) => { received += d.toString('utf8'); waiters.splice(0).forEach((w) => w()); });
  socket.on('close', () => { closed = true; waiters.splice(0).forEach((w) => w()); });
  for (const step of steps) {
    if (step.expect) {
      while (!step.expect.test(received)) {
        // The timeout destroys the socket, so check it first to report the timeout, not the close.
        if (signal.aborted) throw new Error('aborted');
        if (closed) return `connection closed before the answer matched ${String(step.expect)}`;
        await new Promise<void>((r) => waiters.push(r));
      }
      // Consume up to the match so the next step sees only what follows.
      const m = step.expect.exec(received)!;
      received = received.slice(m.index + m[0].length);
    }
    if (step.send !== undefined) socket.write(step.send.endsWith('\n') ? step.send : step.send + '\n');
  }
  return '';
}
