/**
 * One target's scrape: fetch, parse, attach target labels, metric relabeling, limits, staleness markers
 * and the five synthetic series, with Prometheus 2.42's semantics (scrape/scrape.go). A failure is
 * data: `up 0` with the duration is written and the error text is kept for the API.
 */
import { type Clock, Labels, LabelsBuilder, ParseError, STALE_NAN, TextCache, TextParser } from '@hlmon/model';
import type { ScrapeConfig } from '../config/types.js';
import { relabelBuilder } from '../relabel.js';
import { publicLabels, type Target, targetKey } from '../targets.js';
import { newBatch, pushSample, type SampleBatch, type SampleSink } from './batch.js';
import type { ScrapeHttpClient } from './http-client.js';
import { EMPTY_METADATA, MetadataCollector, type TargetMetadata } from './metadata.js';

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
  return JSON.stringify([cfg.honorLabels, cfg.labelLimit, cfg.labelNameLengthLimit, cfg.labelValueLengthLimit, cfg.metricRelabelConfigs],
    (_k, v: unknown) => (v instanceof RegExp ? v.source : v));
}

/**
 * One final series of the target (after target labels and metric relabeling), shared by every raw series
 * text that ends up with these labels. Duplicates, `scrape_series_added` and staleness are decided by
 * comparing scrape numbers on it, so a steady scrape needs no per-sample map besides the text lookup.
 */
interface SeriesState {
  readonly labels: Labels;
  /** Number of the last scrape that wrote this series. */
  seen: number;
}

/** What a raw series text (`parser.series()`) comes to, as Prometheus's scrape cache keeps it. */
interface CacheEntry {
  /** Null when metric relabeling dropped the series. */
  readonly series: SeriesState | null;
}

/** Runs the scrapes of one target. Not reentrant: the scheduler never overlaps two scrapes of one loop. */
export class ScrapeLoop {
  private readonly targetLabels: Labels;
  private readonly reportLabels: Labels[];
  /**
   * Raw series text → what it comes to, kept by the parser (model's TextCache), which also recognises
   * the target's unchanged lines without scanning them. Holds the texts of the last scrape parsed to the
   * end; a text missing from it is forgotten. A hit skips label parsing, target labels, relabeling and
   * limits: those checks passed when the entry was made and depend only on the text and on the config
   * (`seriesShaping`).
   */
  private cache = new TextCache<CacheEntry>();
  /** Final label key → series, for cache misses only (two texts may come to one series). */
  private states = new Map<string, SeriesState>();
  /** Series written by the last scrape (for staleness); empty after a failed scrape. */
  private lastSeries: SeriesState[] = [];
  /** Scrapes started, numbering them for `seen`. */
  private scrapeNo = 0;
  /** Number of the last scrape that succeeded. */
  private okNo = -1;
  /** TYPE/HELP/UNIT of the last successful scrape (a failed scrape keeps them, as Prometheus's cache does). */
  private meta: MetadataCollector | undefined;
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
    return this.meta?.result() ?? EMPTY_METADATA;
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
    // Numbered before the fetch: a scrape that fails there still ends the run of successful scrapes.
    const no = ++this.scrapeNo;
    try {
      const { text, contentType } = await this.client.fetch(this.target.url, this.target.timeoutMs, this.cfg.bodySizeLimitBytes, signal);
      const r = this.appendScrape(no, text, contentType.startsWith('application/openmetrics-text') ? 'openmetrics' : 'prometheus', startMs, batch);
      scraped = r.scraped;
      added = r.added;
      seriesAdded = r.seriesAdded;
    } catch (e) {
      error = e instanceof ParseError ? `parse error at ${e.message}` : (e as Error).message;
      // As Prometheus, a failed scrape writes no samples, only staleness markers for the previous series.
      batch = newBatch();
      this.appendStaleness(-1, startMs, batch);
      this.lastSeries = [];
    }
    const durationMs = performance.now() - perf0;
    if (this.stopped) return this.state;
    const values = [error === '' ? 1 : 0, durationMs / 1000, scraped, added, seriesAdded];
    for (let i = 0; i < this.reportLabels.length; i++) pushSample(batch, this.reportLabels[i]!, startMs, values[i]!);
    this.sink.write(batch);
    this.state = { ...this.state, health: error === '' ? 'up' : 'down', lastScrapeMs: startMs, lastScrapeDurationMs: durationMs, lastError: error, lastSamples: added };
    return this.state;
  }

  /** Parses the body of scrape number `no` into `batch`; throws (writing nothing) on a parse error or an exceeded limit. */
  private appendScrape(no: number, text: string, format: 'prometheus' | 'openmetrics', t: number, batch: SampleBatch): { scraped: number; added: number; seriesAdded: number } {
    // Series of the previous scrape carry its number; after a failed one every series counts as added.
    const prevNo = this.okNo === no - 1 ? this.okNo : -1;
    const current: SeriesState[] = [];
    let seriesAdded = 0;
    const cfg = this.cfg;
    const honorTimestamps = cfg.honorTimestamps;
    const parser = new TextParser(text, format, { cache: this.cache });
    let scraped = 0;
    const meta = new MetadataCollector(this.meta);
    for (let kind = parser.next(); kind !== 'eof'; kind = parser.next()) {
      if (kind !== 'series') {
        if (kind === 'type') meta.type(parser.metaName(), parser.type());
        else if (kind === 'help') meta.help(parser.metaName(), parser.help());
        else if (kind === 'unit') meta.unit(parser.metaName(), parser.unit());
        continue;
      }
      scraped++;
      let entry = parser.cachedEntry();
      if (entry === undefined) {
        entry = { series: this.resolveSeries(parser) };
        parser.setCachedEntry(entry);
      }
      const series = entry.series;
      // Dropped by relabeling, or a repeated series in one exposition, which Prometheus ignores
      // ("duplicate sample").
      if (series === null || series.seen === no) continue;
      if (series.seen !== prevNo) seriesAdded++;
      series.seen = no;
      current.push(series);
      const ts = honorTimestamps ? parser.timestampMs() : undefined;
      pushSample(batch, series.labels, ts ?? t, parser.value());
    }
    const added = current.length;
    if (cfg.sampleLimit > 0 && added > cfg.sampleLimit) {
      throw new Error(`sample limit exceeded (${added} samples, limit ${cfg.sampleLimit})`);
    }
    this.appendStaleness(no, t, batch);
    this.lastSeries = current;
    this.okNo = no;
    this.meta = meta.finish();
    // Forget what this scrape did not have; in a steady target nothing, and the sizes say so.
    if (this.states.size > added) for (const [k, s] of this.states) if (s.seen !== no) this.states.delete(k);
    return { scraped, added, seriesAdded };
  }

  /**
   * The series a text not in the cache comes to: target labels, metric relabeling and the label limits
   * (which fail the scrape, so a text that breaks them never enters the cache). Null when dropped.
   */
  private resolveSeries(parser: TextParser<CacheEntry>): SeriesState | null {
    const cfg = this.cfg;
    const lb = mutateSampleLabels(parser.labels(), this.targetLabels, cfg.honorLabels);
    if (!relabelBuilder(lb, cfg.metricRelabelConfigs)) return null;
    const labels = lb.labels();
    this.checkLengths(labels);
    if (cfg.labelLimit > 0 && labels.size > cfg.labelLimit) {
      throw new Error(`label_limit exceeded (metric: ${labels.metricName}, number of labels: ${labels.size}, limit: ${cfg.labelLimit})`);
    }
    let series = this.states.get(labels.key);
    if (series === undefined) {
      series = { labels, seen: 0 };
      this.states.set(labels.key, series);
    }
    return series;
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

  /** Writes a staleness marker for every series of the last scrape that scrape `no` did not write (-1: all). */
  private appendStaleness(no: number, t: number, batch: SampleBatch): void {
    for (const s of this.lastSeries) if (s.seen !== no) pushSample(batch, s.labels, t, STALE_NAN);
  }

  /** Takes over the series of a loop for the same target that this one replaces (config reload). */
  adopt(previous: ScrapeLoop): void {
    this.lastSeries = previous.lastSeries;
    this.scrapeNo = previous.scrapeNo;
    this.okNo = previous.okNo;
    // The series objects carry the scrape numbers that staleness and scrape_series_added compare; a text
    // that now relabels to a series of the last scrape finds it here by its final key.
    this.states = previous.states;
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
    this.appendStaleness(-1, t, batch);
    if (this.state.lastScrapeMs > 0) for (const l of this.reportLabels) pushSample(batch, l, t, STALE_NAN);
    this.lastSeries = [];
    if (batch.t.length > 0) this.sink.write(batch);
  }
}
