/** Alertmanager's routing tree: matchers, grouping and timing options inherited by child routes, `continue`. */
import type { Labels, Matcher } from '@hlmon/model';
import { Matcher as MatcherClass } from '@hlmon/model';
import { formatMatchers, matchLabels, parseMatcher } from './matchers.js';
import { parseDuration } from '../duration.js';

/** Grouping and timing options of a route. */
export interface RouteOptions {
  readonly receiver: string;
  /** Label names to group by, or `'...'` to group by all labels. */
  readonly groupBy: readonly string[] | '...';
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  readonly muteTimeIntervals: readonly string[];
  readonly activeTimeIntervals: readonly string[];
}

/** One node of the routing tree. */
export class Route {
  readonly routes: Route[] = [];
  readonly key: string;

  constructor(readonly matchers: readonly Matcher[], readonly options: RouteOptions, readonly continueMatching: boolean, parent?: Route, index = 0) {
    // Alertmanager's route key: the parent's key plus this route's matchers, so group keys are stable across restarts.
    const own = formatMatchers(matchers);
    this.key = parent ? `${parent.key}/${own}/${index}` : own;
  }

  /** The routes an alert goes to: the deepest matching routes, continuing past a match only with `continue`. */
  match(labels: Labels): Route[] {
    if (!matchLabels(this.matchers, labels)) return [];
    const all: Route[] = [];
    for (const child of this.routes) {
      const m = child.match(labels);
      all.push(...m);
      if (m.length > 0 && !child.continueMatching) break;
    }
    return all.length > 0 ? all : [this];
  }

  /** The group labels of an alert on this route. */
  groupLabels(labels: Labels): Labels {
    const g = this.options.groupBy;
    return g === '...' ? labels : labels.only(...g);
  }

  /** Every route in the tree, depth-first. */
  *walk(): Generator<Route> {
    yield this;
    for (const c of this.routes) yield* c.walk();
  }
}

const ROUTE_KEYS = new Set(['receiver', 'group_by', 'group_wait', 'group_interval', 'repeat_interval', 'matchers', 'match', 'match_re', 'continue', 'routes', 'mute_time_intervals', 'active_time_intervals']);

/** Parses a `route:` tree (Alertmanager's YAML keys); pushes errors naming the path instead of throwing. */
export function parseRoute(raw: unknown, errors: string[], parent?: Route, path = 'route', index = 0): Route | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) { errors.push(`${path}: must be a mapping`); return undefined; }
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!ROUTE_KEYS.has(k)) errors.push(`${path}: unknown field ${k}`);
  const dur = (key: string, dflt: number): number => {
    const v = r[key];
    if (v === undefined) return dflt;
    try {
      const ms = parseDuration(String(v));
      if (ms === 0 && key !== 'group_wait') errors.push(`${path}.${key}: must be greater than 0`);
      return ms;
    } catch (e) { errors.push(`${path}.${key}: ${(e as Error).message}`); return dflt; }
  };
  const p = parent?.options;
  const receiver = r['receiver'] === undefined ? p?.receiver : String(r['receiver']);
  if (!receiver) errors.push(`${path}: receiver is required on the root route`);
  let groupBy: readonly string[] | '...' = p?.groupBy ?? [];
  if (r['group_by'] !== undefined) {
    if (!Array.isArray(r['group_by'])) errors.push(`${path}.group_by: must be a list`);
    else {
      const names = r['group_by'].map(String);
      groupBy = names.includes('...') ? '...' : names;
    }
  }
  const listOf = (key: string, inherit: readonly string[]): readonly string[] => {
    const v = r[key];
    if (v === undefined) return inherit;
    if (!Array.isArray(v)) { errors.push(`${path}.${key}: must be a list`); return inherit; }
    return v.map(String);
  };
  const options: RouteOptions = {
    receiver: receiver ?? '', groupBy,
    groupWaitMs: dur('group_wait', p?.groupWaitMs ?? 30_000),
    groupIntervalMs: dur('group_interval', p?.groupIntervalMs ?? 5 * 60_000),
    repeatIntervalMs: dur('repeat_interval', p?.repeatIntervalMs ?? 4 * 3600_000),
    muteTimeIntervals: listOf('mute_time_intervals', []),
    activeTimeIntervals: listOf('active_time_intervals', []),
  };
  const matchers: Matcher[] = [];
  if (r['matchers'] !== undefined) {
    if (!Array.isArray(r['matchers'])) errors.push(`${path}.matchers: must be a list`);
    else for (const m of r['matchers']) {
      try { matchers.push(parseMatcher(String(m))); } catch (e) { errors.push(`${path}.matchers: ${(e as Error).message}`); }
    }
  }
  for (const [key, type] of [['match', '='], ['match_re', '=~']] as const) {
    const m = r[key];
    if (m === undefined) continue;
    if (typeof m !== 'object' || m === null) { errors.push(`${path}.${key}: must be a mapping`); continue; }
    for (const [k, v] of Object.entries(m)) {
      try { matchers.push(new MatcherClass(type, k, String(v))); } catch (e) { errors.push(`${path}.${key}.${k}: ${(e as Error).message}`); }
    }
  }
  if (!parent && matchers.length > 0) errors.push(`${path}: the root route must not have matchers`);
  const route = new Route(matchers, options, r['continue'] === true, parent, index);
  if (r['routes'] !== undefined) {
    if (!Array.isArray(r['routes'])) errors.push(`${path}.routes: must be a list`);
    else r['routes'].forEach((c, i) => {
      const child = parseRoute(c, errors, route, `${path}.routes[${i}]`, i);
      if (child) route.routes.push(child);
    });
  }
  return route;
}
