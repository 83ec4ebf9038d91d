/**
 * The `alerting` configuration: Alertmanager's route, receivers, inhibit_rules and time_intervals, so an
 * existing alertmanager.yml can be pasted in. Everything is validated at once and reported together.
 */
import type { Matcher } from '@hlmon/model';
import { Matcher as MatcherClass } from '@hlmon/model';
import { parseRoute, type Route } from './route.js';
import { parseMatcher } from './matchers.js';
import type { InhibitRule } from './inhibit.js';
import { parseTimeInterval, TimeIntervals, type TimeInterval } from './time-intervals.js';
import { buildReceiver, type NotifierDeps, type NotifierFactory, type Receiver, BUILTIN_NOTIFIERS } from '../notifiers/registry.js';

/** A validated alerting configuration. */
export interface AlertingConfig {
  readonly route: Route;
  readonly receivers: ReadonlyMap<string, Receiver>;
  readonly inhibitRules: readonly InhibitRule[];
  readonly timeIntervals: TimeIntervals;
}

/** Raised for an invalid alerting config; `errors` lists every problem with its path. */
export class AlertingConfigError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`invalid alerting config:\n  ${errors.join('\n  ')}`);
    this.name = 'AlertingConfigError';
  }
}

const TOP_KEYS = new Set(['route', 'receivers', 'inhibit_rules', 'time_intervals', 'mute_time_intervals', 'global', 'templates']);

/** Validates raw config (as parsed from YAML) and builds routes, receivers and notifiers. */
export function parseAlertingConfig(raw: unknown, deps: NotifierDeps, factories: Readonly<Record<string, NotifierFactory>> = BUILTIN_NOTIFIERS): AlertingConfig {
  const errors: string[] = [];
  if (typeof raw !== 'object' || raw === null) throw new AlertingConfigError(['alerting: must be a mapping']);
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!TOP_KEYS.has(k)) errors.push(`unknown field ${k}`);

  const receivers = new Map<string, Receiver>();
  if (!Array.isArray(r['receivers'])) errors.push('receivers: must be a list');
  else r['receivers'].forEach((rc, i) => {
    try {
      const rec = buildReceiver(rc as Record<string, unknown>, deps, `receivers[${i}]`, factories);
      if (receivers.has(rec.name)) errors.push(`receivers[${i}]: duplicate receiver name ${rec.name}`);
      receivers.set(rec.name, rec);
    } catch (e) { errors.push((e as Error).message); }
  });

  const intervals = new Map<string, TimeInterval[]>();
  for (const key of ['time_intervals', 'mute_time_intervals']) {
    const list = r[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) { errors.push(`${key}: must be a list`); continue; }
    list.forEach((ti, i) => {
      const t = ti as Record<string, unknown>;
      const name = String(t['name'] ?? '');
      if (!name) { errors.push(`${key}[${i}]: name is required`); return; }
      if (intervals.has(name)) errors.push(`${key}[${i}]: duplicate time interval ${name}`);
      try {
        intervals.set(name, ((t['time_intervals'] ?? []) as Record<string, unknown>[]).map((x, j) => parseTimeInterval(x, `${key}[${i}].time_intervals[${j}]`)));
      } catch (e) { errors.push((e as Error).message); }
    });
  }

  const route = parseRoute(r['route'], errors);
  if (route) {
    for (const rt of route.walk()) {
      if (rt.options.receiver && !receivers.has(rt.options.receiver)) errors.push(`route: undefined receiver "${rt.options.receiver}" used in route`);
      for (const n of [...rt.options.muteTimeIntervals, ...rt.options.activeTimeIntervals]) {
        if (!intervals.has(n)) errors.push(`route: undefined time interval "${n}" used in route`);
      }
    }
  }

  const inhibitRules: InhibitRule[] = [];
  if (r['inhibit_rules'] !== undefined) {
    if (!Array.isArray(r['inhibit_rules'])) errors.push('inhibit_rules: must be a list');
    else r['inhibit_rules'].forEach((ir, i) => {
      const x = ir as Record<string, unknown>;
      const where = `inhibit_rules[${i}]`;
      const side = (m: string, eq: string, re: string): Matcher[] => {
        const out: Matcher[] = [];
        try {
          for (const s of (x[m] ?? []) as unknown[]) out.push(parseMatcher(String(s)));
          for (const [k, v] of Object.entries((x[eq] ?? {}) as Record<string, unknown>)) out.push(new MatcherClass('=', k, String(v)));
          for (const [k, v] of Object.entries((x[re] ?? {}) as Record<string, unknown>)) out.push(new MatcherClass('=~', k, String(v)));
        } catch (e) { errors.push(`${where}: ${(e as Error).message}`); }
        return out;
      };
      const equal = x['equal'] === undefined ? [] : Array.isArray(x['equal']) ? x['equal'].map(String) : (errors.push(`${where}.equal: must be a list`), []);
      inhibitRules.push({ sourceMatchers: side('source_matchers', 'source_match', 'source_match_re'), targetMatchers: side('target_matchers', 'target_match', 'target_match_re'), equal });
    });
  }
  if (errors.length > 0 || !route) throw new AlertingConfigError(errors.length ? errors : ['route: is required']);
  return { route, receivers, inhibitRules, timeIntervals: new TimeIntervals(intervals) };
}
