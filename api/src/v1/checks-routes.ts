/**
 * Uptime checks: their state and numbers, and CRUD that writes the `checks` section of hlmon.yml. A check's
 * id is its name (the `check` label of its series), so ids survive restarts and config edits.
 */
import { z } from 'zod';
import { notFound } from '../errors.js';
import type { IncidentLog } from '../status/incidents.js';
import type { CheckDailyCounts } from './check-daily.js';
import { certificateExpiries, responseTimes, UPTIME_WINDOWS, type UptimeWindow } from './check-stats.js';
import type { ConfigEditor } from './config-file.js';
import { route, type RouteSpec } from './route.js';
import { LabelsSchema, NameParams } from './schemas.js';
import type { CheckView, V1Sources } from './sources.js';
import { addCheck, removeCheck, updateCheck } from './yaml-edit.js';

const Uptime = z.object({ '24h': z.number().nullable(), '7d': z.number().nullable(), '30d': z.number().nullable(), '365d': z.number().nullable() });
const Check = z.object({
  id: z.string(), name: z.string(), type: z.string(), target: z.string(), intervalSeconds: z.number(), timeoutSeconds: z.number().nullable(),
  up: z.boolean().nullable(), lastCheckMs: z.number().nullable(), lastError: z.string().nullable(),
  responseTimeMs: z.number().nullable(), httpStatusCode: z.number().nullable(), labels: z.record(z.string(), z.string()),
  uptimeRatio24h: z.number().nullable(), uptimeRatio7d: z.number().nullable(), uptime: Uptime,
  certificateExpiresMs: z.number().nullable(),
  paused: z.boolean(),
});
const Incident = z.object({
  id: z.number(), check: z.string(), startedAtMs: z.number(), endedAtMs: z.number().nullable(),
  firstError: z.string(), lastError: z.string(), failures: z.number(),
});
const CheckName = z.string().min(1).max(200).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');

const NewCheck = z.strictObject({
  name: CheckName,
  type: z.enum(['http', 'tcp', 'dns']),
  target: z.string().min(1).max(2000),
  intervalSeconds: z.number().int().min(1).max(86_400).optional(),
  timeoutSeconds: z.number().min(0.1).max(3600).optional(),
  expectedStatus: z.union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599))]).optional(),
  keyword: z.string().min(1).max(1000).optional(),
  labels: LabelsSchema.optional(),
});
const CheckPatch = z.strictObject({
  /** true stops probing (the check and its history stay; it writes nothing); false resumes. */
  paused: z.boolean().optional(),
  target: z.string().min(1).max(2000).optional(),
  intervalSeconds: z.number().int().min(1).max(86_400).optional(),
  timeoutSeconds: z.number().min(0.1).max(3600).optional(),
  labels: LabelsSchema.optional(),
});

function numberOrNull(v: number | undefined): number | null {
  return v === undefined || Number.isNaN(v) ? null : v;
}

/** The routes. */
export function checksRoutes(deps: { sources: V1Sources; editor: ConfigEditor; incidents: IncidentLog; daily: CheckDailyCounts }): RouteSpec[] {
  const { sources, editor, incidents, daily } = deps;
  const { engine, clock, scraper } = sources;

  async function describe(checks: readonly CheckView[], only?: string): Promise<z.infer<typeof Check>[]> {
    const now = clock.now();
    // The timeout is in the config, not in the scraper's state.
    const configured = (sources.config.current() as { checks?: readonly { name: string; timeoutMs: number; paused?: boolean }[] } | undefined)?.checks ?? [];
    const timeouts = new Map(configured.map((c) => [c.name, c.timeoutMs / 1000]));
    const paused = new Set(configured.filter((c) => c.paused === true).map((c) => c.name));
    const windows = Object.keys(UPTIME_WINDOWS) as UptimeWindow[];
    const [ratios, certs] = await Promise.all([
      daily.ratios(windows.map((w) => UPTIME_WINDOWS[w]), now, only),
      certificateExpiries(engine, now, only),
    ]);
    return checks.map((c) => {
      const uptime = Object.fromEntries(windows.map((w, i) => [w, numberOrNull(ratios[i]!.get(c.name))])) as z.infer<typeof Uptime>;
      return {
        id: c.name, name: c.name, type: c.type, target: c.target, intervalSeconds: c.intervalMs / 1000, timeoutSeconds: timeouts.get(c.name) ?? null,
        up: c.health === 'unknown' ? null : c.health === 'up', lastCheckMs: c.lastRunMs > 0 ? c.lastRunMs : null,
        lastError: c.lastRunMs > 0 ? c.lastError : null, responseTimeMs: c.lastRunMs > 0 ? c.lastDurationMs : null,
        httpStatusCode: numberOrNull(c.metrics['probe_http_status_code']), labels: c.labels.toObject(),
        uptimeRatio24h: uptime['24h'], uptimeRatio7d: uptime['7d'], uptime,
        certificateExpiresMs: numberOrNull(certs.get(c.name)),
        paused: paused.has(c.name),
      };
    });
  }

  function find(name: string): CheckView {
    const c = scraper.checks().find((x) => x.name === name);
    if (!c) throw notFound(`no check ${name}`);
    return c;
  }

  return [
    route({
      method: 'get', path: '/api/v1/checks', access: 'viewer', tag: 'checks',
      summary: 'Checks with state, last result, uptime ratios over 24 h / 7 d / 30 d / 365 d and certificate expiry.',
      response: z.object({ checks: z.array(Check) }),
      handler: async () => ({ checks: await describe([...scraper.checks()].sort((a, b) => a.name.localeCompare(b.name))) }),
    }),
    route({
      method: 'get', path: '/api/v1/checks/:name', access: 'viewer', tag: 'checks',
      summary: 'One check with its response time series over a range and its recent failures with reasons.',
      params: NameParams,
      query: z.strictObject({ rangeHours: z.coerce.number().min(1).max(24 * 365).optional() }),
      response: z.object({ check: Check, responseTimes: z.array(z.object({ t: z.number(), ms: z.number() })), incidents: z.array(Incident) }),
      handler: async ({ params, query }) => {
        const c = find(params.name);
        const now = clock.now();
        const startMs = now - (query.rangeHours ?? 24) * 3_600_000;
        const [described, series, recent] = await Promise.all([
          describe([c], c.name), responseTimes(engine, c.name, startMs, now), incidents.list([c.name], now - 30 * 86_400_000, 20),
        ]);
        return { check: described[0]!, responseTimes: series, incidents: recent };
      },
    }),
    route({
      method: 'post', path: '/api/v1/checks', access: 'editor', tag: 'checks', status: 201,
      summary: 'Adds a check to hlmon.yml and applies it.',
      body: NewCheck,
      response: z.object({ check: z.object({ id: z.string(), name: z.string() }) }),
      handler: async ({ body }) => {
        const raw: Record<string, unknown> = { name: body.name, type: body.type, target: body.target };
        if (body.intervalSeconds !== undefined) raw['interval'] = `${body.intervalSeconds}s`;
        if (body.timeoutSeconds !== undefined) raw['timeout'] = `${Math.round(body.timeoutSeconds * 1000)}ms`;
        if (body.labels) raw['labels'] = body.labels;
        if (body.type === 'http' && (body.expectedStatus !== undefined || body.keyword !== undefined)) {
          raw['http'] = {
            ...(body.expectedStatus !== undefined ? { valid_status_codes: [body.expectedStatus].flat() } : {}),
            ...(body.keyword !== undefined ? { keyword: body.keyword } : {}),
          };
        }
        await editor.edit((doc) => addCheck(doc, raw));
        return { check: { id: body.name, name: body.name } };
      },
    }),
    route({
      method: 'patch', path: '/api/v1/checks/:name', access: 'editor', tag: 'checks',
      summary: "Pauses or resumes a check, or changes its target, interval, timeout or labels, in hlmon.yml and applies it.",
      params: NameParams,
      body: CheckPatch,
      response: z.object({ check: z.object({ id: z.string(), name: z.string() }) }),
      handler: async ({ params, body }) => {
        await editor.edit((doc) => updateCheck(doc, params.name, {
          // Resuming removes the key rather than writing `paused: false`, so the file reads as before the pause.
          paused: body.paused === undefined ? undefined : body.paused ? true : null,
          target: body.target,
          interval: body.intervalSeconds === undefined ? undefined : `${body.intervalSeconds}s`,
          timeout: body.timeoutSeconds === undefined ? undefined : `${Math.round(body.timeoutSeconds * 1000)}ms`,
          labels: body.labels,
        }));
        return { check: { id: params.name, name: params.name } };
      },
    }),
    route({
      method: 'delete', path: '/api/v1/checks/:name', access: 'editor', tag: 'checks',
      summary: 'Removes a check from hlmon.yml and applies it.',
      params: NameParams,
      handler: async ({ params }) => {
        await editor.edit((doc) => removeCheck(doc, params.name));
        return undefined;
      },
    }),
  ];
}
