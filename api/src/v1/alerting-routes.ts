/** Alerts (current and history), silences, rules and receivers. */
import { z } from 'zod';
import { Labels } from '@hlmon/model';
import { ApiError, notFound } from '../errors.js';
import { currentAlerts, type AlertHistory } from './alert-history.js';
import { route, type RouteSpec } from './route.js';
import { MsParam } from './schemas.js';
import type { ConfigAccess, V1Sources, SilenceView } from './sources.js';

const Alert = z.object({
  fingerprint: z.string(), labels: z.record(z.string(), z.string()), annotations: z.record(z.string(), z.string()),
  state: z.enum(['pending', 'firing', 'resolved']), activeAtMs: z.number(), resolvedAtMs: z.number().nullable(), silencedBy: z.array(z.string()),
});
const Matcher = z.strictObject({ name: z.string().min(1), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean().default(true) });
const Silence = z.object({
  id: z.string(), matchers: z.array(z.object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean() })),
  startsAt: z.string(), endsAt: z.string(), createdBy: z.string(), comment: z.string(),
  status: z.object({ state: z.enum(['active', 'pending', 'expired']) }),
});
const Rule = z.object({
  name: z.string(), type: z.enum(['alerting', 'recording']), query: z.string(), health: z.string(), lastError: z.string(),
  evaluationTimeSeconds: z.number(), lastEvaluationMs: z.number().nullable(), state: z.string().optional(),
});
const Group = z.object({ name: z.string(), file: z.string(), intervalSeconds: z.number(), evaluationTimeSeconds: z.number(), lastEvaluationMs: z.number().nullable(), rules: z.array(Rule) });

/** The routes. */
export function alertingRoutes(deps: { sources: V1Sources; history: AlertHistory }): RouteSpec[] {
  const { sources, history } = deps;
  const { clock } = sources;

  function silenceJson(s: SilenceView): z.infer<typeof Silence> {
    return {
      id: s.id, matchers: s.matchers.map((m) => ({ ...m })), startsAt: new Date(s.startsAtMs).toISOString(), endsAt: new Date(s.endsAtMs).toISOString(),
      createdBy: s.createdBy, comment: s.comment, status: { state: sources.silences!.state(s, clock.now()) },
    };
  }
  function silences() {
    if (!sources.silences) throw new ApiError(503, 'unavailable', 'alerting is not running in this process');
    return sources.silences;
  }

  return [
    route({
      method: 'get', path: '/api/v1/alerts', access: 'viewer', tag: 'alerts',
      summary: 'Pending and firing alerts, and resolved ones from the history since a time.',
      query: z.strictObject({ state: z.enum(['firing', 'pending', 'resolved']).optional(), since: MsParam.optional() }),
      response: z.object({ alerts: z.array(Alert) }),
      handler: async ({ query }) => {
        const now = clock.now();
        const active = query.state === 'resolved' ? [] : currentAlerts(sources.rules).filter((a) => query.state === undefined || a.state === query.state);
        const resolved = query.state === undefined || query.state === 'resolved' ? await history.resolvedSince(query.since ?? now - 86_400_000) : [];
        const muted = (l: Record<string, string>) => sources.silences?.mutedBy(Labels.from(l)) ?? [];
        return { alerts: [...active, ...resolved].map((a) => ({ ...a, silencedBy: a.state === 'resolved' ? [] : muted(a.labels) })) };
      },
    }),
    route({
      method: 'get', path: '/api/v1/silences', access: 'viewer', tag: 'silences', summary: 'Lists silences.',
      response: z.object({ silences: z.array(Silence) }),
      handler: () => ({ silences: silences().list().map(silenceJson) }),
    }),
    route({
      method: 'post', path: '/api/v1/silences', access: 'editor', tag: 'silences', status: 201,
      summary: 'Creates a silence (createdBy defaults to the logged-in user).',
      body: z.strictObject({
        matchers: z.array(Matcher).min(1), startsAt: z.iso.datetime({ offset: true }).optional(), endsAt: z.iso.datetime({ offset: true }),
        createdBy: z.string().max(200).optional(), comment: z.string().max(5000).default(''),
      }),
      response: z.object({ silence: Silence }),
      handler: async ({ body, principal }) => {
        const startsAtMs = body.startsAt ? Date.parse(body.startsAt) : clock.now();
        const endsAtMs = Date.parse(body.endsAt);
        if (endsAtMs <= startsAtMs) throw new ApiError(400, 'bad_request', 'body.endsAt: must be after startsAt', { field: 'body.endsAt' });
        try {
          const s = await silences().create({
            matchers: body.matchers, startsAtMs, endsAtMs, comment: body.comment,
            createdBy: body.createdBy ?? principal?.username ?? (principal?.kind === 'key' ? `api-key-${principal.keyId}` : 'anonymous'),
          });
          return { silence: silenceJson(s) };
        } catch (err) {
          if ((err as Error).name === 'SilenceError') throw new ApiError(400, 'bad_request', `body: ${(err as Error).message}`, { field: 'body' }, { cause: err });
          throw err;
        }
      },
    }),
    route({
      method: 'delete', path: '/api/v1/silences/:id', access: 'editor', tag: 'silences', summary: 'Expires a silence.',
      params: z.strictObject({ id: z.string().min(1).max(100) }),
      handler: async ({ params }) => {
        if (!silences().list().some((s) => s.id === params.id)) throw notFound(`no silence ${params.id}`);
        await silences().expire(params.id);
        return undefined;
      },
    }),
    route({
      method: 'get', path: '/api/v1/rules', access: 'viewer', tag: 'rules',
      summary: 'Rule groups with their rules, health, last error and evaluation time.',
      response: z.object({ groups: z.array(Group) }),
      handler: () => ({
        groups: (sources.rules?.groups() ?? []).map((g) => {
          const st = g.status();
          return {
            name: st.name, file: st.file, intervalSeconds: st.intervalMs / 1000, evaluationTimeSeconds: st.evaluationDurationMs / 1000,
            lastEvaluationMs: st.lastEvaluationMs > 0 ? st.lastEvaluationMs : null,
            rules: g.rules.map((r) => {
              const rs = r.status();
              const alerts = r.alerts?.() ?? [];
              return {
                name: r.name, type: r.alerts ? 'alerting' as const : 'recording' as const, query: r.spec.expr, health: rs.health, lastError: rs.lastError,
                evaluationTimeSeconds: rs.evaluationDurationMs / 1000, lastEvaluationMs: rs.lastEvaluationMs > 0 ? rs.lastEvaluationMs : null,
                ...(r.alerts ? { state: alerts.some((a) => a.state === 'firing') ? 'firing' : alerts.some((a) => a.state === 'pending') ? 'pending' : 'inactive' } : {}),
              };
            }),
          };
        }),
      }),
    }),
    route({
      method: 'get', path: '/api/v1/receivers', access: 'viewer', tag: 'receivers',
      summary: 'Notification receivers and the kinds of their integrations (never their settings, which hold secrets).',
      response: z.object({ receivers: z.array(z.object({ name: z.string(), integrations: z.array(z.string()) })) }),
      handler: async () => ({ receivers: receiversOf(sources.config) }),
    }),
    route({
      method: 'post', path: '/api/v1/receivers/:name/test', access: 'editor', tag: 'receivers',
      summary: 'Sends a test notification through every integration of a receiver and reports each outcome.',
      params: z.strictObject({ name: z.string().min(1).max(200) }),
      response: z.object({ results: z.array(z.object({ integration: z.string(), ok: z.boolean(), error: z.string(), durationMs: z.number() })) }),
      handler: async ({ params }) => {
        if (!sources.dispatcher) throw new ApiError(503, 'unavailable', 'alerting is not running in this process');
        if (!receiversOf(sources.config).some((r) => r.name === params.name)) throw notFound(`no receiver ${params.name}`);
        const results = await sources.dispatcher.sendTestNotification(params.name);
        return { results: results.map((r) => ({ integration: r.integration, ok: r.ok, error: r.error, durationMs: r.durationMs })) };
      },
    }),
  ];
}

/** Receivers from the running config's `alerting.receivers`, with the kinds of their `*_configs`. */
function receiversOf(config: ConfigAccess): { name: string; integrations: string[] }[] {
  const current = config.current() as { alerting?: { value?: { receivers?: unknown } } } | undefined;
  const list = current?.alerting?.value?.receivers;
  if (!Array.isArray(list)) return [];
  return list.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null && typeof r['name'] === 'string').map((r) => ({
    name: String(r['name']),
    integrations: Object.entries(r).filter(([k, v]) => k.endsWith('_configs') && Array.isArray(v)).flatMap(([k, v]) => (v as unknown[]).map((_, i) => `${k.replace(/_configs$/, '')}/${i}`)),
  }));
}
