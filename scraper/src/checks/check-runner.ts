/**
 * Runs one check: probe within the timeout, then write `probe_success`, `probe_duration_seconds`, the
 * probe's series and, on failure, `probe_failure_info{reason="..."} 1`, all labelled
 * `job="check", check, instance` plus the check's labels. Series that a run no longer reports (a
 * failure reason that changed, TLS series after a connection failure) get staleness markers.
 *
 * A paused check (`paused: true` in its config) is not probed and writes nothing. Pausing changes the
 * check's config and so replaces its runner: the old runner's `stop()` marks its series stale, so PromQL
 * stops reporting a last value at once, while the stored history stays as it was. Resuming starts a fresh
 * runner whose first run writes the series again.
 */
import { type Clock, Labels, STALE_NAN } from '@hlmon/model';
import type { CheckConfig } from '../config/types.js';
import { newBatch, pushSample, type SampleSink } from '../scrape/batch.js';
import type { Probe, ProbeResult } from './probe.js';

/** The state of a check, for the API. */
export interface CheckState {
  readonly name: string;
  readonly type: CheckConfig['type'];
  readonly target: string;
  readonly labels: Labels;
  readonly health: 'up' | 'down' | 'unknown';
  /** Start of the last run, ms since the epoch (0 = never). */
  readonly lastRunMs: number;
  readonly lastDurationMs: number;
  /** '' when the last run succeeded. */
  readonly lastError: string;
  readonly intervalMs: number;
  /** The probe's series of the last run, by name (first value when a name has several label sets). */
  readonly metrics: Readonly<Record<string, number>>;
  /** True while the check is paused: it is not probed and its health stays 'unknown'. */
  readonly paused: boolean;
}

/** Runs one configured check. Not reentrant. */
export class CheckRunner {
  private readonly base: Labels;
  private lastSeries = new Map<string, Labels>();
  private state: CheckState;
  private stopped = false;

  constructor(
    readonly check: CheckConfig,
    private readonly probe: Probe,
    private readonly sink: SampleSink,
    private readonly clock: Clock,
  ) {
    this.base = Labels.from({ ...check.labels, job: 'check', check: check.name, instance: check.target });
    this.state = {
      name: check.name, type: check.type, target: check.target, labels: this.base, health: 'unknown',
      lastRunMs: 0, lastDurationMs: 0, lastError: '', intervalMs: check.intervalMs, metrics: {}, paused: check.paused === true,
    };
  }

  /** A stable identity of the check's configuration (a changed config means a new runner). */
  get key(): string {
    return JSON.stringify(this.check, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v));
  }

  /** Current state. */
  current(): CheckState {
    return this.state;
  }

  /** Probes once; never throws. A paused check returns its state without probing or writing. */
  async run(signal?: AbortSignal): Promise<CheckState> {
    if (this.state.paused) return this.state;
    const startMs = this.clock.now();
    const t0 = performance.now();
    const timeout = AbortSignal.timeout(this.check.timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    let result: ProbeResult;
    try {
      result = await this.probe(this.check, combined);
    } catch (e) {
      // Probes should not throw; if one does, that is still a failed check, not a crashed loop.
      result = { success: false, failureReason: `probe error: ${(e as Error).message}`, metrics: [] };
    }
    const durationMs = performance.now() - t0;
    if (this.stopped) return this.state;
    const batch = newBatch();
    const seen = new Map<string, Labels>();
    const add = (name: string, extra: Readonly<Record<string, string>> | undefined, v: number): void => {
      const b = this.base.builder().set('__name__', name);
      if (extra) for (const [k, val] of Object.entries(extra)) b.set(k, val);
      const labels = b.labels();
      if (seen.has(labels.key)) return;
      seen.set(labels.key, labels);
      pushSample(batch, labels, startMs, v);
    };
    add('probe_success', undefined, result.success ? 1 : 0);
    add('probe_duration_seconds', undefined, durationMs / 1000);
    for (const m of result.metrics) add(m.name, m.labels, m.value);
    if (!result.success) add('probe_failure_info', { reason: result.failureReason }, 1);
    for (const [key, labels] of this.lastSeries) if (!seen.has(key)) pushSample(batch, labels, startMs, STALE_NAN);
    this.lastSeries = seen;
    this.sink.write(batch);
    const metrics: Record<string, number> = {};
    for (const m of result.metrics) if (!(m.name in metrics)) metrics[m.name] = m.value;
    this.state = {
      ...this.state, health: result.success ? 'up' : 'down', lastRunMs: startMs, lastDurationMs: durationMs,
      lastError: result.failureReason, metrics,
    };
    return this.state;
  }

  /** Marks every series of this check stale (the check was removed or hlmon stops). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const t = this.clock.now();
    const batch = newBatch();
    for (const labels of this.lastSeries.values()) pushSample(batch, labels, t, STALE_NAN);
    this.lastSeries = new Map();
    if (batch.t.length > 0) this.sink.write(batch);
  }
}
