/**
 * Public status pages: named groups of checks (several per server) shown read-only to anyone, with 90 days
 * of daily uptime bars and recent incidents, plus SVG badges at stable URLs. Only checks listed on some
 * page are visible without logging in; for any other name the public routes answer 404, so they reveal
 * nothing about what else is monitored.
 */
import { z } from 'zod';
import type { Context } from 'koa';
import { notFound } from '../errors.js';
import { route, type RouteSpec } from '../v1/route.js';
import type { V1Sources } from '../v1/sources.js';
import type { CheckDailyCounts } from '../v1/check-daily.js';
import { UPTIME_WINDOWS, type UptimeWindow } from '../v1/check-stats.js';
import type { IncidentLog } from './incidents.js';
import { BADGE_COLOURS, formatPercent, renderBadge, responseColour, uptimeColour } from './badge.js';
import { renderStatusPage } from './status-html.js';

/** A status page's definition. */
export interface StatusPageDef {
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly checks: readonly string[];
}

const Slug = z.string().min(1).max(100).regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and - only');
const PageBody = z.strictObject({ title: z.string().min(1).max(200), description: z.string().max(2000).default(''), checks: z.array(z.string().min(1).max(200)).min(1).max(100) });
const PageDef = z.object({ slug: z.string(), title: z.string(), description: z.string(), checks: z.array(z.string()) });
const DAYS = 90;

/** The status page's public JSON. */
const PageView = z.object({
  slug: z.string(), title: z.string(), description: z.string(), status: z.enum(['operational', 'degraded', 'down', 'unknown']),
  checks: z.array(z.object({
    name: z.string(), up: z.boolean().nullable(), responseTimeMs: z.number().nullable(), uptimeRatio90d: z.number().nullable(),
    days: z.array(z.object({ dayStartMs: z.number(), ratio: z.number().nullable() })),
  })),
  incidents: z.array(z.object({ check: z.string(), startedAtMs: z.number(), endedAtMs: z.number().nullable(), lastError: z.string(), failures: z.number() })),
});

/** Persistence and rendering of status pages. */
export class StatusPages {
  constructor(private readonly sources: V1Sources, private readonly incidents: IncidentLog, readonly daily: CheckDailyCounts) {}

  /** All pages. */
  async list(): Promise<StatusPageDef[]> {
    const { rows } = await this.sources.sql('SELECT slug, title, description, checks FROM api_status_pages ORDER BY slug');
    return rows.map(toDef);
  }

  /** One page. */
  async get(slug: string): Promise<StatusPageDef | undefined> {
    const { rows } = await this.sources.sql('SELECT slug, title, description, checks FROM api_status_pages WHERE slug = $1', [slug]);
    return rows[0] ? toDef(rows[0]) : undefined;
  }

  /** True when a check is shown on some page (and so public). */
  async isPublic(check: string): Promise<boolean> {
    const { rows } = await this.sources.sql('SELECT 1 FROM api_status_pages WHERE checks ? $1 LIMIT 1', [check]);
    return rows.length > 0;
  }

  /** The page's data: current state, daily bars and incidents. */
  async view(def: StatusPageDef): Promise<z.infer<typeof PageView>> {
    const { clock, scraper } = this.sources;
    const now = clock.now();
    const states = new Map(scraper.checks().map((c) => [c.name, c]));
    const [[ninety], bars] = await Promise.all([this.daily.ratios([DAYS * 86_400_000], now), this.daily.dailyRatios(def.checks, now, DAYS)]);
    const checks = def.checks.map((name) => {
      const c = states.get(name);
      return {
        name,
        up: !c || c.health === 'unknown' ? null : c.health === 'up',
        responseTimeMs: c && c.lastRunMs > 0 ? c.lastDurationMs : null,
        uptimeRatio90d: ninety!.get(name) ?? null,
        days: bars.get(name)!,
      };
    });
    const incidents = (await this.incidents.list(def.checks, now - DAYS * 86_400_000, 20))
      .map((i) => ({ check: i.check, startedAtMs: i.startedAtMs, endedAtMs: i.endedAtMs, lastError: i.lastError, failures: i.failures }));
    const known = checks.filter((c) => c.up !== null);
    const down = known.filter((c) => c.up === false).length;
    const status = known.length === 0 ? 'unknown' : down === 0 ? 'operational' : down === known.length ? 'down' : 'degraded';
    return { slug: def.slug, title: def.title, description: def.description, status, checks, incidents };
  }
}

function toDef(r: Record<string, unknown>): StatusPageDef {
  const checks = typeof r['checks'] === 'string' ? JSON.parse(r['checks']) as string[] : r['checks'] as string[];
  return { slug: String(r['slug']), title: String(r['title']), description: String(r['description']), checks };
}

function svg(ctx: Context, body: string): void {
  ctx.type = 'image/svg+xml';
  // Short caching: READMEs embed badges through image proxies that would otherwise keep them for days.
  ctx.set('Cache-Control', 'max-age=60, public');
  ctx.body = body;
}

/** The routes: page management (editor), public pages and badges. */
export function statusRoutes(sources: V1Sources, pages: StatusPages): RouteSpec[] {
  async function publicCheck(name: string) {
    if (!(await pages.isPublic(name))) throw notFound(`no public check ${name}`);
    return sources.scraper.checks().find((c) => c.name === name);
  }
  return [
    route({
      method: 'get', path: '/api/v1/status-pages', access: 'viewer', tag: 'status', summary: 'Lists status pages.',
      response: z.object({ pages: z.array(PageDef) }),
      handler: async () => ({ pages: await pages.list() }),
    }),
    route({
      method: 'put', path: '/api/v1/status-pages/:slug', access: 'editor', tag: 'status',
      summary: 'Creates or replaces a status page (a public, read-only view of some checks).',
      params: z.strictObject({ slug: Slug }), body: PageBody,
      response: z.object({ page: PageDef }),
      handler: async ({ params, body }) => {
        await sources.sql(
          `INSERT INTO api_status_pages (slug, title, description, checks, created_at_ms) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (slug) DO UPDATE SET title = EXCLUDED.title, description = EXCLUDED.description, checks = EXCLUDED.checks`,
          [params.slug, body.title, body.description, JSON.stringify(body.checks), sources.clock.now()],
        );
        return { page: { slug: params.slug, title: body.title, description: body.description, checks: body.checks } };
      },
    }),
    route({
      method: 'delete', path: '/api/v1/status-pages/:slug', access: 'editor', tag: 'status', summary: 'Deletes a status page.',
      params: z.strictObject({ slug: Slug }),
      handler: async ({ params }) => {
        const { rows } = await sources.sql('DELETE FROM api_status_pages WHERE slug = $1 RETURNING slug', [params.slug]);
        if (rows.length === 0) throw notFound(`no status page ${params.slug}`);
        return undefined;
      },
    }),
    route({
      method: 'get', path: '/api/v1/status/:slug', access: 'public', tag: 'status',
      summary: "A status page's public data: state, 90 daily uptime bars per check, incidents.",
      params: z.strictObject({ slug: Slug }), response: PageView,
      handler: async ({ params }) => {
        const def = await pages.get(params.slug);
        if (!def) throw notFound(`no status page ${params.slug}`);
        return pages.view(def);
      },
    }),
    route({
      method: 'get', path: '/status/:slug', access: 'public', tag: 'status', produces: 'text/html',
      summary: 'A status page as HTML (no script, no login).',
      params: z.strictObject({ slug: Slug }),
      handler: async ({ params, ctx }) => {
        const def = await pages.get(params.slug);
        if (!def) throw notFound(`no status page ${params.slug}`);
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = renderStatusPage(await pages.view(def), sources.clock.now());
      },
    }),
    route({
      method: 'get', path: '/badge/:check/status.svg', access: 'public', tag: 'status', produces: 'image/svg+xml',
      summary: "A badge with a public check's current status.",
      params: z.strictObject({ check: z.string().min(1).max(200) }),
      query: z.strictObject({ label: z.string().max(50).optional() }),
      handler: async ({ params, query, ctx }) => {
        const c = await publicCheck(params.check);
        const [value, colour] = !c || c.health === 'unknown' ? ['unknown', BADGE_COLOURS.grey] : c.health === 'up' ? ['up', BADGE_COLOURS.green] : ['down', BADGE_COLOURS.red];
        svg(ctx, renderBadge(query.label ?? params.check, value, colour));
      },
    }),
    route({
      method: 'get', path: '/badge/:check/uptime.svg', access: 'public', tag: 'status', produces: 'image/svg+xml',
      summary: "A badge with a public check's uptime over a window (24h, 7d, 30d, 365d).",
      params: z.strictObject({ check: z.string().min(1).max(200) }),
      query: z.strictObject({ window: z.enum(Object.keys(UPTIME_WINDOWS) as [UptimeWindow, ...UptimeWindow[]]).default('30d'), label: z.string().max(50).optional() }),
      handler: async ({ params, query, ctx }) => {
        await publicCheck(params.check);
        const ratio = (await pages.daily.ratios([UPTIME_WINDOWS[query.window]], sources.clock.now(), params.check))[0]!.get(params.check);
        const label = query.label ?? `uptime ${query.window}`;
        svg(ctx, ratio === undefined ? renderBadge(label, 'no data', BADGE_COLOURS.grey) : renderBadge(label, formatPercent(ratio), uptimeColour(ratio)));
      },
    }),
    route({
      method: 'get', path: '/badge/:check/response.svg', access: 'public', tag: 'status', produces: 'image/svg+xml',
      summary: "A badge with a public check's last response time.",
      params: z.strictObject({ check: z.string().min(1).max(200) }),
      query: z.strictObject({ label: z.string().max(50).optional() }),
      handler: async ({ params, query, ctx }) => {
        const c = await publicCheck(params.check);
        const label = query.label ?? 'response time';
        if (!c || c.lastRunMs === 0) svg(ctx, renderBadge(label, 'no data', BADGE_COLOURS.grey));
        else svg(ctx, renderBadge(label, `${Math.round(c.lastDurationMs)} ms`, responseColour(c.lastDurationMs)));
      },
    }),
  ];
}
