/**
 * Turns discovered target groups into scrape targets with Prometheus 2.42's PopulateLabels semantics:
 * group labels, then job/interval/timeout/path/scheme/params defaults, then relabel_configs, a default
 * port for addresses without one, `__meta_*` removal, and `instance` defaulting to the address.
 */
import { Labels, LabelsBuilder } from '@hlmon/model';
import { formatDurationMs, parseDurationMs } from './config/duration.js';
import type { ScrapeConfig, TargetGroup } from './config/types.js';
import { relabelBuilder } from './relabel.js';

/** A target ready to scrape, or one that relabeling dropped (kept for the API's "dropped targets"). */
export interface Target {
  /** Labels before relabeling (including `__meta_*` and `__address__`). */
  readonly discoveredLabels: Labels;
  /** Labels after relabeling, including `__` internal labels still used for the URL. */
  readonly labels: Labels;
  /** The URL to scrape. */
  readonly url: string;
  /** Interval and timeout, possibly changed by relabeling `__scrape_interval__` / `__scrape_timeout__`. */
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** A target that relabeling dropped or that failed validation. */
export interface DroppedTarget {
  /** Labels before relabeling. */
  readonly discoveredLabels: Labels;
  /** Why: "dropped by relabeling" or a validation error. */
  readonly reason: string;
}

/** Labels that become part of every sample of a target: its labels without the `__` reserved ones. */
export function publicLabels(labels: Labels): Labels {
  return Labels.fromSortedUnchecked(labels.toArray().filter((l) => !l.name.startsWith('__')));
}

function hasPort(addr: string): boolean {
  if (addr.startsWith('[')) return /\]:\d+$/.test(addr);
  return /:\d*$/.test(addr) && addr.split(':').length === 2;
}

/** Builds the target for one address of a group, or the reason it was dropped. */
export function populateTarget(cfg: ScrapeConfig, group: TargetGroup, address: string): Target | DroppedTarget {
  const lb = new LabelsBuilder();
  for (const [k, v] of Object.entries(group.labels)) lb.set(k, v);
  lb.set('__address__', address);
  const setDefault = (k: string, v: string): void => {
    if (lb.get(k) === '') lb.set(k, v);
  };
  setDefault('job', cfg.jobName);
  setDefault('__scrape_interval__', formatDurationMs(cfg.scrapeIntervalMs));
  setDefault('__scrape_timeout__', formatDurationMs(cfg.scrapeTimeoutMs));
  setDefault('__metrics_path__', cfg.metricsPath);
  setDefault('__scheme__', cfg.scheme);
  for (const [k, values] of Object.entries(cfg.params)) {
    if (values.length > 0) setDefault(`__param_${k}`, values[0]!);
  }
  const discoveredLabels = lb.labels();
  if (!relabelBuilder(lb, cfg.relabelConfigs)) return { discoveredLabels, reason: 'dropped by relabeling' };

  let addr = lb.get('__address__');
  if (addr === '') return { discoveredLabels, reason: 'no address' };
  const scheme = lb.get('__scheme__');
  if (!hasPort(addr)) {
    if (scheme === 'http' || scheme === '') addr += ':80';
    else if (scheme === 'https') addr += ':443';
    else return { discoveredLabels, reason: `invalid scheme: "${scheme}"` };
    lb.set('__address__', addr);
  }
  if (/[/?#@\s]/.test(addr)) return { discoveredLabels, reason: `invalid address "${addr}"` };
  let intervalMs: number;
  let timeoutMs: number;
  try {
    intervalMs = parseDurationMs(lb.get('__scrape_interval__'));
    timeoutMs = parseDurationMs(lb.get('__scrape_timeout__'));
  } catch (e) {
    return { discoveredLabels, reason: `invalid scrape interval or timeout label: ${(e as Error).message}` };
  }
  if (intervalMs === 0) return { discoveredLabels, reason: 'scrape interval cannot be 0' };
  if (timeoutMs === 0) return { discoveredLabels, reason: 'scrape timeout cannot be 0' };
  if (timeoutMs > intervalMs) return { discoveredLabels, reason: `scrape timeout cannot be greater than scrape interval ("${formatDurationMs(timeoutMs)}" > "${formatDurationMs(intervalMs)}")` };

  // Meta labels exist only for relabeling; other `__` labels stay on the target to build the URL.
  for (const name of lb.names()) if (name.startsWith('__meta_')) lb.del(name);
  if (lb.get('instance') === '') lb.set('instance', addr);
  const labels = lb.labels();
  return { discoveredLabels, labels, url: targetUrl(labels, cfg), intervalMs, timeoutMs };
}

/** The URL of a target: scheme, address and path from its labels, query from params and `__param_*`. */
export function targetUrl(labels: Labels, cfg: ScrapeConfig): string {
  const query = new URLSearchParams();
  const seen = new Set<string>();
  for (const l of labels) {
    if (l.name.startsWith('__param_')) {
      const k = l.name.slice('__param_'.length);
      query.append(k, l.value);
      seen.add(k);
    }
  }
  // Further values of multi-valued params are kept (only the first can be relabeled, as in Prometheus).
  for (const [k, values] of Object.entries(cfg.params)) {
    for (let i = seen.has(k) ? 1 : 0; i < values.length; i++) query.append(k, values[i]!);
  }
  const qs = query.toString();
  return `${labels.get('__scheme__')}://${labels.get('__address__')}${labels.get('__metrics_path__')}${qs === '' ? '' : '?' + qs}`;
}

/** True when the result is a scrapeable target. */
export function isTarget(t: Target | DroppedTarget): t is Target {
  return (t as Target).url !== undefined;
}

/** A target's identity: its public labels and URL. */
export function targetKey(t: Target): string {
  return `${publicLabels(t.labels).key}|${t.url}`;
}
