/**
 * The alert state machine of Prometheus's alerting rule (rules/alerting.go), as a pure function over an
 * explicit state: inactive → pending → firing → (keep_firing_for) → inactive (resolved). Time comes in as
 * an argument, never from a clock, so the transitions are table-testable.
 */
import type { Labels } from '@hlmon/model';

/** The state of one alert. */
export type AlertState = 'inactive' | 'pending' | 'firing';

/** One alert of an alerting rule: the unit persisted across restarts. Times are ms since the epoch; 0 means unset. */
export interface ActiveAlert {
  labels: Labels;
  annotations: Record<string, string>;
  state: AlertState;
  value: number;
  activeAtMs: number;
  firedAtMs: number;
  resolvedAtMs: number;
  lastSentAtMs: number;
  validUntilMs: number;
  keepFiringSinceMs: number;
}

/** One element of the rule's expression result after labels and annotations were applied. */
export interface AlertCandidate {
  labels: Labels;
  annotations: Record<string, string>;
  value: number;
}

/** How long a resolved alert is kept so it is reported as resolved (Prometheus: 15m). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/**
 * Advances `active` (keyed by label key) to time `tsMs` given this evaluation's results; mutates and returns
 * the map. `holdMs` is the rule's `for`, `keepFiringForMs` its `keep_firing_for`.
 */
export function advanceAlerts(
  active: Map<string, ActiveAlert>,
  results: readonly AlertCandidate[],
  tsMs: number,
  holdMs: number,
  keepFiringForMs: number,
): Map<string, ActiveAlert> {
  const seen = new Set<string>();
  for (const r of results) {
    const key = r.labels.key;
    seen.add(key);
    const a = active.get(key);
    if (a && a.state !== 'inactive') {
      a.value = r.value;
      a.annotations = r.annotations;
      a.labels = r.labels;
      continue;
    }
    active.set(key, {
      labels: r.labels, annotations: r.annotations, state: 'pending', value: r.value,
      activeAtMs: tsMs, firedAtMs: 0, resolvedAtMs: 0, lastSentAtMs: 0, validUntilMs: 0, keepFiringSinceMs: 0,
    });
  }
  for (const [key, a] of active) {
    if (!seen.has(key)) {
      let keepFiring = false;
      if (a.state === 'firing' && keepFiringForMs > 0) {
        if (a.keepFiringSinceMs === 0) a.keepFiringSinceMs = tsMs;
        if (tsMs - a.keepFiringSinceMs < keepFiringForMs) keepFiring = true;
      }
      // A pending alert that vanished never fired, so nobody needs to hear it resolved; a resolved one is kept
      // for RESOLVED_RETENTION_MS so the resolution can be re-sent.
      if (a.state === 'pending' || (a.resolvedAtMs !== 0 && tsMs - a.resolvedAtMs > RESOLVED_RETENTION_MS)) active.delete(key);
      if (a.state !== 'inactive' && !keepFiring) {
        a.state = 'inactive';
        a.resolvedAtMs = tsMs;
      }
      if (!keepFiring) continue;
    } else {
      a.keepFiringSinceMs = 0;
    }
    if (a.state === 'pending' && tsMs - a.activeAtMs >= holdMs) {
      a.state = 'firing';
      a.firedAtMs = tsMs;
    }
  }
  return active;
}

/** Prometheus's needsSending: firing alerts are re-sent every `resendDelayMs`, a resolution once. */
export function needsSending(a: ActiveAlert, tsMs: number, resendDelayMs: number): boolean {
  if (a.state === 'pending') return false;
  if (a.resolvedAtMs !== 0 && a.resolvedAtMs > a.lastSentAtMs) return true;
  return a.lastSentAtMs + resendDelayMs < tsMs;
}
