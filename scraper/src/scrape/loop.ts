/**
 * One target's scrape: fetch, parse, attach target labels, metric relabeling, limits, staleness markers
 * and the five synthetic series, with Prometheus 2.42's semantics (scrape/scrape.go). A failure is
 * data: `up 0` with the duration is written and the error text is kept for the API.
 */
import { type Clock, Labels, LabelsBuilder, ParseError, STALE_NAN, TextParser } from '@hlmon/model';
import type { ScrapeConfig } from '../config/types.js';
import { relabelBuilder } from '../relabel.js';
import { publicLabels, type Target, targetKey } from '../targets.js';
import { newBatch, pushSample, type SampleBatch, type SampleSink } from './batch.js';
import type { ScrapeHttpClient } from './http-client.js';
import { MetadataCollector, type TargetMetadata } from './metadata.js';

/** What the API shows for a target. */
export interface TargetHealth {
  readonly job: string;
  readonly url: string;
  /** Labels before relabeling. */
  readonly discoveredLabels: Labels;
  /** Labels after relabeling (what samples get). */
  readonly labels: Labels;
  readonly health: 'up' | 'down' | 'unknown';
  /** Start of the last scrape, ms since the epoch (0 = never). */
  readonly lastScrapeMs: number;
  readonly lastScrapeDurationMs: number;
  /** '' when the last scrape succeeded. */
  readonly lastError: string;
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  /** Samples written by the last scrape (after relabeling). */
  readonly lastSamples: number;
}

const REPORT_NAMES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'] as const;

/** Adds target labels to a sample's labels with honor_labels semantics (exported_ prefix on conflict). */
export function mutateSampleLabels(sample: Labels, target: Labels, honorLabels: boolean): LabelsBuilder {
  const lb = new LabelsBuilder(sample);
  if (honorLabels) {
    for (const l of target) if (!sample.has(l.name)) lb.set(l.name, l.value);
    return lb;
  }
  const conflicts: { name: string; value: string }[] = [];
  for (const l of target) {
    const existing = sample.get(l.name);
    if (existing !== '') conflicts.push({ name: l.name, value: existing });
    lb.set(l.name, l.value);
  }
  if (conflicts.length > 0) {
    // Shorter names first, so `exported_foo` is resolved before `foo` needs `exported_exported_foo`.
    conflicts.sort((a, b) => a.name.length - b.name.length);
    const taken = new Set<string>();
    for (const c of conflicts) {
      let name = c.name;
      for (;;) {
        name = 'exported_' + name;
        if (!sample.has(name) && !target.has(name) && !taken.has(name)) break;
      }
      taken.add(name);
      lb.set(name, c.value);
    }
  }
  return lb;
}

/** The parts of a scrape config that decide a series' final labels and its cached checks, as one string. */
function seriesShaping(cfg: ScrapeConfig): string {
  return JSON.stringify([cfg.honorLabels, cfg.labelNameLengthLimit, cfg.labelValueLengthLimit, cfg.metricRelabelConfigs],
    (_k, v: unknown) => (v instanceof RegExp ? v.source : v));
}

interface CachedSeries {
  /** Final labels, or null when metric relabeling dropped the series. */
  readonly labels: Labels | null;
}

/** Runs the scrapes of one target. Not reentrant: the scheduler never overlaps two scrapes of one loop. */
export class ScrapeLoop {
  private readonly targetLabels: Labels;
  private readonly reportLabels: Labels[];
  /** Raw series text → final labels, for the series of the last scrape. */
  private cache = new Map<string, CachedSeries>();
  /** Final label keys written by the last scrape (for staleness). */
  private lastSeries = new Map<string, Labels>();
  /** TYPE/HELP/UNIT of the last successful scrape (a failed scrape keeps them, as Prometheus's cache does). */
  private meta: TargetMetadata = new Map();
  private state: TargetHealth;
  private stopped = false;

  constructor(
    readonly target: Target,
    private readonly cfg: ScrapeConfig,
    private readonly client: ScrapeHttpClient,
    private readonly sink: SampleSink,
    private readonly clock: Clock,
  ) {
    this.targetLabels = publicLabels(target.labels);
    this.reportLabels = REPORT_NAMES.map((n) => mutateSampleLabels(Labels.from({ __name__: n }), this.targetLabels, false).labels());
    this.state = {
      job: cfg.jobName, url: target.url, discoveredLabels: target.discoveredLabels, labels: this.targetLabels,
      health: 'unknown', lastScrapeMs: 0, lastScrapeDurationMs: 0, lastError: '',
      scrapeIntervalMs: target.intervalMs, scrapeTimeoutMs: target.timeoutMs, lastSamples: 0,
    };
  }

  /** The target's identity: its label set and URL. */
  get key(): string {
    return targetKey(this.target);
  }

  /** Metric metadata of the target's last successful scrape, by family name. */
  metadata(): TargetMetadata {
    return this.meta;
  }

  /** Current health. */
  health(): TargetHealth {
    return this.state;
  }

  /** Scrapes once; never throws. Returns the health after the scrape. */
  async scrape(signal?: AbortSignal): Promise<TargetHealth> {
    const startMs = this.clock.now();
    const perf0 = performance.now();
    let error = '';
    let scraped = 0;
    let added = 0;
    let seriesAdded = 0;
    let batch = newBatch();
    try {
      const { text, contentType } = await this.client.fetch(this.target.url, this.target.timeoutMs, this.cfg.bodySizeLimitBytes, signal);
      const r = this.appendScrape(text, contentType.startsWith('application/openmetrics-text') ? 'openmetrics' : 'prometheus', startMs, batch);
      scraped = r.scraped;
      added = r.added;
      seriesAdded = r.seriesAdded;
    } catch (e) {
      error = e instanceof ParseError ? `parse error at ${e.message}` : (e as Error).message;
      // As Prometheus, a failed scrape writes no samples, only staleness markers for the previous series.
      batch = newBatch();
      this.appendStaleness(new Map(), startMs, batch);
      this.lastSeries = new Map();
    }
    const durationMs = performance.now() - perf0;
    if (this.stopped) return this.state;
    const values = [error === '' ? 1 : 0, durationMs / 1000, scraped, added, seriesAdded];
    for (let i = 0; i < this.reportLabels.length; i++) pushSample(batch, this.reportLabels[i]!, startMs, values[i]!);
    this.sink.write(batch);
    this.state = { ...this.state, health: error === '' ? 'up' : 'down', lastScrapeMs: startMs, lastScrapeDurationMs: durationMs, lastError: error, lastSamples: added };
    return this.state;
  }

  /** Parses a body into `batch`; throws (writing nothing) on a parse error or an exceeded limit. */
  private appendScrape(text: string, format: 'prometheus' | 'openmetrics', t: number, batch: SampleBatch): { scraped: number; added: number; seriesAdded: number } {
    const nextCache = new Map<string, CachedSeries>();
    const seen = new Map<string, Labels>();
    let seriesAdded = 0;
    let added = 0;
    const cfg = this.cfg;
    const parser = new TextParser(text, format);
    let scraped = 0;
    const meta = new MetadataCollector();
    for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
      if (kind !== 'series') {
        if (kind === 'type') meta.type(parser.metaName(), parser.type());
        else if (kind === 'help') meta.help(parser.metaName(), parser.help());
        else if (kind === 'unit') meta.unit(parser.metaName(), parser.unit());
        continue;
      }
      scraped++;
      const series = parser.series();
      // The previous scrape's cache first: in a steady target nearly every series is there.
      let entry = this.cache.get(series) ?? nextCache.get(series);
      if (entry === undefined) {
        const lb = mutateSampleLabels(parser.labels(), this.targetLabels, cfg.honorLabels);
        entry = { labels: relabelBuilder(lb, cfg.metricRelabelConfigs) ? lb.labels() : null };
        // Checked on a cache miss only: a cached series passed these checks when it was first seen.
        if (entry.labels !== null) this.checkLengths(entry.labels);
      }
      nextCache.set(series, entry);
      const final = entry.labels;
      if (final === null) continue;
      const key = final.key;
      // A repeated series in one exposition is ignored, as Prometheus does ("duplicate sample").
      if (seen.has(key)) continue;
      if (cfg.labelLimit > 0 && final.size > cfg.labelLimit) {
        throw new Error(`label_limit exceeded (metric: ${final.metricName}, number of labels: ${final.size}, limit: ${cfg.labelLimit})`);
      }
      seen.set(key, final);
      if (!this.lastSeries.has(key)) seriesAdded++;
      const ts = parser.timestampMs();
      pushSample(batch, final, ts !== undefined && cfg.honorTimestamps ? ts : t, parser.value());
      added++;
    }
    if (cfg.sampleLimit > 0 && added > cfg.sampleLimit) {
      throw new Error(`sample limit exceeded (${added} samples, limit ${cfg.sampleLimit})`);
    }
    this.appendStaleness(seen, t, batch);
    this.cache = nextCache;
    this.lastSeries = seen;
    this.meta = meta.result();
    return { scraped, added, seriesAdded };
  }

  /** Enforces label_name_length_limit and label_value_length_limit (Prometheus's messages). */
  private checkLengths(labels: Labels): void {
    const { labelNameLengthLimit: nameMax, labelValueLengthLimit: valueMax } = this.cfg;
    if (nameMax === 0 && valueMax === 0) return;
    for (const l of labels) {
      if (nameMax > 0 && l.name.length > nameMax) {
        throw new Error(`label name length limit exceeded (metric: ${labels.metricName}, label name: ${l.name}, length: ${l.name.length}, limit: ${nameMax})`);
      }
      if (valueMax > 0 && l.value.length > valueMax) {
        throw new Error(`label value length limit exceeded (metric: ${labels.metricName}, label name: ${l.name}, value length: ${l.value.length}, limit: ${valueMax})`);
      }
    }
  }

  /** Writes a staleness marker for every series of the last scrape missing from `current`. */
  private appendStaleness(current: Map<string, Labels>, t: number, batch: SampleBatch): void {
    for (const [key, labels] of this.lastSeries) if (!current.has(key)) pushSample(batch, labels, t, STALE_NAN);
  }

  /** Takes over the series of a loop for the same target that this one replaces (config reload). */
  adopt(previous: ScrapeLoop): void {
    this.lastSeries = previous.lastSeries;
    this.meta = previous.meta;
    // The parse cache maps raw series text to final labels; it stays valid when what shapes those labels
    // is unchanged (a reload that only changes the interval), and rebuilding it costs a full scrape's work.
    if (seriesShaping(previous.cfg) === seriesShaping(this.cfg)) this.cache = previous.cache;
    this.state = { ...this.state, health: previous.state.health, lastScrapeMs: previous.state.lastScrapeMs, lastScrapeDurationMs: previous.state.lastScrapeDurationMs, lastError: previous.state.lastError };
    previous.stopped = true;
  }

  /**
   * Marks every series of this target stale (the target was removed or hlmon stops it), including
   * the synthetic series, and stops reporting. Called once.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    const t = this.clock.now();
    const batch = newBatch();
    this.appendStaleness(new Map(), t, batch);
    if (this.state.lastScrapeMs > 0) for (const l of this.reportLabels) pushSample(batch, l, t, STALE_NAN);
    this.lastSeries = new Map();
    if (batch.t.length > 0) this.sink.write(batch);
  }
}
