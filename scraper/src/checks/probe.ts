/**
 * The contract of an uptime probe: given a check and an abort signal, measure and report. Probes never
 * throw; a failure is a result with `success: false` and a reason, like blackbox_exporter's probes.
 */
import type { CheckConfig } from '../config/types.js';

/** One series a probe reports (blackbox_exporter's `probe_*` names). */
export interface ProbeMetric {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/** What a probe found. */
export interface ProbeResult {
  readonly success: boolean;
  /** Why it failed ('' on success). */
  readonly failureReason: string;
  /** Probe-specific series (probe_success and probe_duration_seconds are added by the runner). */
  readonly metrics: readonly ProbeMetric[];
}

/** A probe implementation; `signal` aborts when the check's timeout expires. */
export type Probe = (check: CheckConfig, signal: AbortSignal) => Promise<ProbeResult>;

/** Builds a failed result that keeps the metrics gathered so far. */
export function failed(reason: string, metrics: ProbeMetric[]): ProbeResult {
  return { success: false, failureReason: reason, metrics };
}

/** The text of an error, with its code when the message lacks it, for failure reasons. */
export function errorText(e: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `timeout: no answer within ${timeoutMs}ms`;
  const err = e as Error & { code?: string };
  const msg = err?.message ?? String(e);
  return err?.code && !msg.includes(err.code) ? `${msg} (${err.code})` : msg;
}

/** Earliest `valid_to` over a peer certificate chain, in seconds since the epoch (NaN when unknown). */
export function earliestExpirySeconds(cert: { valid_to?: string; issuerCertificate?: unknown; fingerprint256?: string } | undefined): number {
  let earliest = NaN;
  const seen = new Set<string>();
  let c = cert as { valid_to?: string; issuerCertificate?: unknown; fingerprint256?: string } | undefined;
  while (c && c.valid_to && !seen.has(c.fingerprint256 ?? '')) {
    seen.add(c.fingerprint256 ?? '');
    const t = Date.parse(c.valid_to) / 1000;
    if (!(t >= earliest)) earliest = t;
    c = c.issuerCertificate as typeof c;
  }
  return earliest;
}
