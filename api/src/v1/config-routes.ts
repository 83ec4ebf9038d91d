/** The config (read, validate, apply) and the targets that live in it. */
import { z } from 'zod';
import { route, type RouteSpec } from './route.js';
import type { ConfigEditor } from './config-file.js';
import { addStaticTarget, removeStaticTarget } from './yaml-edit.js';
import { LabelsSchema } from './schemas.js';
import type { ScraperView, TargetView } from './sources.js';

const ConfigError = z.object({ line: z.number(), column: z.number(), key: z.string().optional(), message: z.string() });
const Target = z.object({
  job: z.string(), url: z.string(), health: z.enum(['up', 'down', 'unknown']), labels: z.record(z.string(), z.string()),
  discoveredLabels: z.record(z.string(), z.string()), lastScrapeMs: z.number().nullable(), lastScrapeDurationMs: z.number(),
  lastError: z.string(), scrapeIntervalMs: z.number(), scrapeTimeoutMs: z.number(), lastSamples: z.number(),
});

/** A target in the API's shape. */
export function targetJson(t: TargetView): z.infer<typeof Target> {
  return {
    job: t.job, url: t.url, health: t.health, labels: t.labels.toObject(), discoveredLabels: t.discoveredLabels.toObject(),
    lastScrapeMs: t.lastScrapeMs > 0 ? t.lastScrapeMs : null, lastScrapeDurationMs: t.lastScrapeDurationMs, lastError: t.lastError,
    scrapeIntervalMs: t.scrapeIntervalMs, scrapeTimeoutMs: t.scrapeTimeoutMs, lastSamples: t.lastSamples,
  };
}

/** The routes. */
export function configRoutes(deps: { editor: ConfigEditor; scraper: ScraperView }): RouteSpec[] {
  const { editor, scraper } = deps;
  return [
    route({
      method: 'get', path: '/api/v1/config', access: 'admin', tag: 'config',
      summary: 'The running configuration as YAML text (secrets shown as <secret>) and the file it lives in.',
      response: z.object({ file: z.string().nullable(), yaml: z.string() }),
      handler: async () => ({ file: editor.file ?? null, yaml: await editor.redactedText() }),
    }),
    route({
      method: 'post', path: '/api/v1/config/validate', access: 'editor', tag: 'config',
      summary: 'Validates a configuration without applying it; lists every error with line and column.',
      body: z.strictObject({ yaml: z.string().max(1024 * 1024) }),
      response: z.object({ valid: z.boolean(), errors: z.array(ConfigError) }),
      handler: async ({ body }) => {
        const errors = await editor.validate(body.yaml);
        return { valid: errors.length === 0, errors };
      },
    }),
    route({
      method: 'put', path: '/api/v1/config', access: 'admin', tag: 'config',
      summary: 'Applies a new configuration and writes it to hlmon.yml atomically; a bad one is refused and the running one stays. <secret> keeps the stored value of that secret.',
      body: z.strictObject({ yaml: z.string().max(1024 * 1024) }),
      response: z.object({ applied: z.literal(true) }),
      handler: async ({ body }) => {
        await editor.replace(body.yaml);
        return { applied: true as const };
      },
    }),
    route({
      method: 'get', path: '/api/v1/targets', access: 'viewer', tag: 'targets',
      summary: 'Scrape targets with health, last scrape, duration, last error and labels before and after relabeling.',
      query: z.strictObject({ job: z.string().min(1).optional(), health: z.enum(['up', 'down', 'unknown']).optional() }),
      response: z.object({ targets: z.array(Target), droppedTargets: z.array(z.object({ discoveredLabels: z.record(z.string(), z.string()) })) }),
      handler: ({ query }) => ({
        targets: scraper.targets()
          .filter((t) => (query.job === undefined || t.job === query.job) && (query.health === undefined || t.health === query.health))
          .map(targetJson)
          .sort((a, b) => a.job.localeCompare(b.job) || a.url.localeCompare(b.url)),
        droppedTargets: scraper.droppedTargets().map((d) => ({ discoveredLabels: d.discoveredLabels.toObject() })),
      }),
    }),
    route({
      method: 'post', path: '/api/v1/targets', access: 'editor', tag: 'targets', status: 201,
      summary: "Adds a static target to a job (creating the job) in hlmon.yml and applies it.",
      body: z.strictObject({
        job: z.string().min(1).max(200),
        target: z.string().min(1).max(500).regex(/^[^\s/]+$/, 'host:port, without scheme or path'),
        labels: LabelsSchema.optional(),
      }),
      response: z.object({ job: z.string(), target: z.string() }),
      handler: async ({ body }) => {
        await editor.edit((doc) => addStaticTarget(doc, body.job, body.target, body.labels ?? {}));
        return { job: body.job, target: body.target };
      },
    }),
    route({
      method: 'delete', path: '/api/v1/targets', access: 'editor', tag: 'targets',
      summary: 'Removes a static target from a job in hlmon.yml and applies it.',
      query: z.strictObject({ job: z.string().min(1), target: z.string().min(1) }),
      handler: async ({ query }) => {
        await editor.edit((doc) => removeStaticTarget(doc, query.job, query.target));
        return undefined;
      },
    }),
  ];
}
