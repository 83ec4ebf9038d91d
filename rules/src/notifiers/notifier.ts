/**
 * The notifier contract: one implementation per service, each in its own file, created from validated
 * config by a factory in the registry. Notifiers only send; retries, backoff, timeouts and recording the
 * outcome are done around them by `deliver`, so every service behaves the same under failure.
 */
import type { Clock } from '@hlmon/model';

/** One alert in Alertmanager's webhook format (version 4). Times are RFC 3339. */
export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

/** A notification: Alertmanager's webhook payload, which every notifier renders from. */
export interface NotificationMessage {
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly alerts: readonly WebhookAlert[];
}

/** Sends notifications to one service. `send` either resolves (delivered) or rejects with a NotifyError. */
export interface Notifier {
  /** The service, e.g. `webhook`, `slack`. */
  readonly kind: string;
  /** Whether resolved alerts are sent to this integration. */
  readonly sendResolved: boolean;
  /** Delivers one message; must honour `signal` (the per-attempt timeout). */
  send(message: NotificationMessage, signal: AbortSignal): Promise<void>;
}

/** A failed delivery attempt; `retryable` is false for errors a retry cannot fix (4xx other than 429). */
export class NotifyError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotifyError';
    this.retryable = retryable;
  }
}

/** Raised at startup for invalid notifier config; the message names the field. */
export class NotifierConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotifierConfigError';
  }
}

/** The recorded outcome of delivering one notification to one integration. */
export interface DeliveryOutcome {
  readonly receiver: string;
  /** `kind/index` within the receiver, e.g. `webhook/0`. */
  readonly integration: string;
  readonly groupKey: string;
  readonly ok: boolean;
  readonly attempts: number;
  /** The last error, '' on success. */
  readonly error: string;
  readonly atMs: number;
  readonly durationMs: number;
  readonly alerts: number;
}

/** Retry policy of `deliver`. */
export interface RetryPolicy {
  /** Attempts in total, at least 1 (default 5). */
  maxAttempts?: number;
  /** First backoff, ms (default 500); doubles per attempt, with jitter. */
  initialBackoffMs?: number;
  /** Backoff cap, ms (default 30 000). */
  maxBackoffMs?: number;
  /** Timeout of one attempt, ms (default 10 000). */
  timeoutMs?: number;
}

/** Dependencies of `deliver`. */
export interface DeliverDeps {
  clock: Clock;
  /** Waits `ms` (or until `signal` aborts); injected so tests need not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Random number in [0, 1) for jitter. */
  random?: () => number;
}

/** Sends with retries and exponential backoff; never throws; returns the outcome to record. */
export async function deliver(
  notifier: Notifier, message: NotificationMessage, where: { receiver: string; integration: string },
  policy: RetryPolicy, deps: DeliverDeps, signal?: AbortSignal,
): Promise<DeliveryOutcome> {
  const maxAttempts = Math.max(1, policy.maxAttempts ?? 5);
  const timeoutMs = policy.timeoutMs ?? 10_000;
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;
  const start = deps.clock.now();
  let backoff = policy.initialBackoffMs ?? 500;
  let lastError = '';
  let attempts = 0;
  for (; attempts < maxAttempts && !signal?.aborted;) {
    attempts++;
    const ctl = new AbortController();
    const onAbort = () => ctl.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => ctl.abort(new NotifyError(`timed out after ${timeoutMs}ms`, true)), timeoutMs);
    try {
      await Promise.race([
        notifier.send(message, ctl.signal),
        new Promise<never>((_, reject) => ctl.signal.addEventListener('abort', () => reject(ctl.signal.reason), { once: true })),
      ]);
      return { ...where, groupKey: message.groupKey, ok: true, attempts, error: '', atMs: start, durationMs: deps.clock.now() - start, alerts: message.alerts.length };
    } catch (err) {
      lastError = String((err as Error)?.message ?? err);
      if (err instanceof NotifyError && !err.retryable) break;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    if (attempts < maxAttempts) {
      await sleep(backoff * (0.5 + random() / 2), signal);
      backoff = Math.min(backoff * 2, policy.maxBackoffMs ?? 30_000);
    }
  }
  return { ...where, groupKey: message.groupKey, ok: false, attempts, error: lastError, atMs: start, durationMs: deps.clock.now() - start, alerts: message.alerts.length };
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() { clearTimeout(t); signal?.removeEventListener('abort', done); resolve(); }
    signal?.addEventListener('abort', done, { once: true });
  });
}
