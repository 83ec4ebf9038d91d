/**
 * The rule manager's state in the shapes of Prometheus's /api/v1/rules and /api/v1/alerts, so Grafana's
 * alerting views and any Prometheus client read hlmon's rules as Prometheus's.
 */
import { AlertingRule, type ActiveAlert, type RuleManager } from '@hlmon/rules';
import { formatPromValue } from '@hlmon/query';

const ZERO_TIME = '0001-01-01T00:00:00Z';

function iso(ms: number): string {
  return ms > 0 ? new Date(ms).toISOString() : ZERO_TIME;
}

function promAlert(a: ActiveAlert): Record<string, unknown> {
  return {
    labels: a.labels.toObject(),
    annotations: a.annotations,
    state: a.state,
    activeAt: iso(a.activeAtMs),
    value: formatPromValue(a.value),
  };
}

/** `data` of /api/v1/rules. */
export function prometheusRules(manager: RuleManager): { groups: unknown[] } {
  return {
    groups: manager.groups().map((g) => {
      const st = g.status();
      return {
        name: st.name,
        file: st.file,
        interval: st.intervalMs / 1000,
        limit: 0,
        evaluationTime: st.evaluationDurationMs / 1000,
        lastEvaluation: iso(st.lastEvaluationMs),
        rules: g.rules.map((r) => {
          const rs = r.status();
          const common = {
            name: r.name,
            query: r.spec.expr,
            labels: r.spec.labels,
            health: rs.health,
            lastError: rs.lastError,
            evaluationTime: rs.evaluationDurationMs / 1000,
            lastEvaluation: iso(rs.lastEvaluationMs),
          };
          if (!(r instanceof AlertingRule)) return { ...common, type: 'recording' };
          const alerts = r.alerts().filter((a) => a.state !== 'inactive');
          const state = alerts.some((a) => a.state === 'firing') ? 'firing' : alerts.some((a) => a.state === 'pending') ? 'pending' : 'inactive';
          return {
            ...common,
            state,
            duration: r.spec.forMs / 1000,
            keepFiringFor: r.spec.keepFiringForMs / 1000,
            annotations: r.spec.annotations,
            alerts: alerts.map(promAlert),
            type: 'alerting',
          };
        }),
      };
    }),
  };
}

/** `data` of /api/v1/alerts: every pending and firing alert. */
export function prometheusAlerts(manager: RuleManager): { alerts: unknown[] } {
  const alerts: unknown[] = [];
  for (const g of manager.groups()) {
    for (const r of g.rules) {
      if (!(r instanceof AlertingRule)) continue;
      for (const a of r.alerts()) if (a.state === 'pending' || a.state === 'firing') alerts.push(promAlert(a));
    }
  }
  return { alerts };
}
