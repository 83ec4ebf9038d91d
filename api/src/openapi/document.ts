/**
 * The OpenAPI 3.0 document of the REST API, generated from the same zod schemas that validate requests,
 * so the document cannot drift from what the server accepts. Routes of the hosts/containers router (which
 * validates its own parameters) are described here by hand.
 */
import { z } from 'zod';
import type { RouteSpec } from '../v1/route.js';

type JsonSchema = Record<string, unknown>;

function schemaOf(s: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
  delete out['$schema'];
  return out;
}

function parameters(where: 'path' | 'query', s: z.ZodType | undefined): unknown[] {
  if (!s) return [];
  const js = schemaOf(s, 'input');
  const props = (js['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js['required'] ?? []) as string[]);
  return Object.entries(props).map(([name, schema]) => ({ name, in: where, required: where === 'path' || required.has(name), schema }));
}

const ERROR = {
  description: 'An error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

/** Routes documented by hand (served by routers that do not use the route table). */
export interface ExtraPath {
  readonly method: string;
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly query?: readonly string[];
}

/** The routes of api/src/rest and the stream, which the route table does not hold. */
export const EXTRA_PATHS: readonly ExtraPath[] = [
  { method: 'get', path: '/api/v1/hosts', summary: 'Hosts derived from exporter targets with current CPU, memory, disk and network.', tag: 'hosts', query: ['job', 'instance'] },
  { method: 'get', path: '/api/v1/hosts/:instance', summary: "One host with its filesystems, interfaces and containers.", tag: 'hosts', query: ['job'] },
  { method: 'get', path: '/api/v1/containers', summary: 'Containers (cAdvisor series) with CPU, memory and network.', tag: 'hosts', query: ['job', 'instance'] },
  { method: 'get', path: '/api/v1/stream', summary: 'WebSocket upgrade for live updates (see docs/api.md for the protocol).', tag: 'stream' },
  { method: 'get', path: '/api/v1/openapi.json', summary: 'This document.', tag: 'docs' },
  { method: 'get', path: '/api/v1/docs', summary: 'A page that renders this document.', tag: 'docs' },
];

/** Koa `:name` paths to OpenAPI `{name}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

/** Builds the document. */
export function openApiDocument(specs: readonly RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const p = (paths[openApiPath(spec.path)] ??= {});
    const ok = spec.produces
      ? { description: 'OK', content: { [spec.produces]: { schema: { type: 'string' } } } }
      : spec.response
        ? { description: 'OK', content: { 'application/json': { schema: schemaOf(spec.response, 'output') } } }
        : { description: 'No content' };
    const status = String(spec.produces ? 200 : spec.status ?? (spec.response ? 200 : 204));
    p[spec.method] = {
      operationId: `${spec.method}${spec.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: spec.summary,
      tags: [spec.tag],
      'x-hlmon-role': spec.access,
      ...(spec.access === 'public' ? { security: [] } : {}),
      parameters: [...parameters('path', spec.params), ...parameters('query', spec.query)],
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(spec.body, 'input') } } } } : {}),
      responses: { [status]: ok, '400': ERROR, ...(spec.access === 'public' ? {} : { '401': ERROR, '403': ERROR }), '404': ERROR },
    };
  }
  for (const e of EXTRA_PATHS) {
    const p = (paths[openApiPath(e.path)] ??= {});
    const pathParams = [...e.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    p[e.method] = {
      operationId: `${e.method}${e.path.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: e.summary, tags: [e.tag], 'x-hlmon-role': e.tag === 'docs' ? 'public' : 'viewer',
      ...(e.tag === 'docs' ? { security: [] } : {}),
      parameters: [...pathParams, ...(e.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }))],
      responses: { '200': { description: 'OK' }, '400': ERROR, '401': ERROR, '404': ERROR },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'hlmon REST API', version, description: 'The REST API of HomeLab Monitor. The Prometheus-compatible API is under /prometheus/api/v1 and follows Prometheus\'s documentation.' },
    servers: [{ url: '/' }],
    security: [{ session: [] }, { apiKey: [] }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'hlmon_session', description: 'From POST /api/v1/session; unsafe methods also need an X-Requested-With header.' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (hlm_...) from POST /api/v1/keys.' },
      },
      schemas: {
        Error: {
          type: 'object', required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
        },
      },
    },
    paths,
  };
}

/** A page that renders the document with no external assets: every operation, its role and its schemas. */
export function openApiHtml(doc: Record<string, unknown>): string {
  const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
  const ops: string[] = [];
  for (const [path, methods] of Object.entries(doc['paths'] as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = (op['requestBody'] as { content: Record<string, { schema: unknown }> } | undefined)?.content['application/json']?.schema;
      ops.push(`<details><summary><code>${method.toUpperCase()} ${esc(path)}</code> — ${esc(String(op['summary']))} <em>(${esc(String(op['x-hlmon-role']))})</em></summary>
${body ? `<p>Body:</p><pre>${esc(JSON.stringify(body, null, 2))}</pre>` : ''}<p>Responses:</p><pre>${esc(JSON.stringify(op['responses'], null, 2))}</pre></details>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hlmon API</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:.5rem;overflow:auto}summary{cursor:pointer;padding:.25rem 0}</style>
</head><body><h1>hlmon REST API</h1><p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>. Roles: viewer &lt; editor &lt; admin.</p>
${ops.join('\n')}</body></html>`;
}
