/**
 * The firing alerts of a host: alerts of the rules manager whose `instance` label is the host's instance,
 * as node_exporter alert rules (awesome-prometheus-alerts and the like) keep the target's labels.
 */
import type { RulesView, RuleAlertView } from '../v1/sources.js';

/** A firing alert as a host entry carries it. */
export interface HostAlert {
  readonly alertname: string;
  /** The `severity` label, or null when the rule sets none. */
  readonly severity: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** When the alert became active (ms). */
  readonly activeAtMs: number;
}

/**
 * Indexes the firing alerts of all rules by their `instance` label, once per request. Pending alerts are
 * left out: a host card should not turn red for a condition that may clear before its `for` is over.
 */
export function firingAlertsByInstance(rules: RulesView | undefined): Map<string, HostAlert[]> {
  const out = new Map<string, HostAlert[]>();
  for (const g of rules?.groups() ?? []) {
    for (const r of g.rules) {
      for (const a of (r.alerts?.() ?? []) as readonly RuleAlertView[]) {
        if (a.state !== 'firing') continue;
        const instance = a.labels.get('instance');
        if (!instance) continue;
        const labels = a.labels.toObject();
        const list = out.get(instance) ?? [];
        list.push({ alertname: labels['alertname'] ?? r.name, severity: labels['severity'] ?? null, labels, annotations: { ...a.annotations }, activeAtMs: a.activeAtMs });
        out.set(instance, list);
      }
    }
  }
  // Oldest first: the alert that has been firing longest is the likeliest cause of the others.
  for (const list of out.values()) list.sort((x, y) => x.activeAtMs - y.activeAtMs || x.alertname.localeCompare(y.alertname));
  return out;
}
