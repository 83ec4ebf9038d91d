/**
 * Target and check health shared through the database, for split mode (`hlmon scraper` processes and one
 * `hlmon api`). A scraper keeps its targets' health in memory; an api process has no scraper, so each
 * scraper publishes what it scrapes into three small tables every few seconds (only rows that changed,
 * in one statement per table), and the api reads them back into a view the REST API, the Prometheus
 * API, the status pages and the live stream cannot tell from an in-process Scraper.
 *
 * Scrapers are told apart by a name (default `host:port`), so a restarted scraper replaces its own rows
 * and a second scraper never touches them. A scraper that stops gracefully removes its rows (it no longer
 * scrapes those targets); one that dies leaves them, and the api shows them as `unknown` with an error
 * naming the silent scraper once its heartbeat is older than three publish intervals.
 */
import { EventEmitter } from 'node:events';
import { Labels, type MetricMetadata } from '@hlmon/model';
import type { CheckState, DroppedTarget, TargetHealth } from '@hlmon/scraper';

/** Runs one statement (the store's `sql`). */
export type SqlFn = (text: string, params?: readonly unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/**
 * The tables. `revision` comes from one sequence and changes on every update, so a reader fetches only
 * rows whose revision it has not seen (comparing per row, so a transaction that commits late is not missed).
 * Heartbeats use the database's clock, so clock skew between scraper hosts cannot make one look silent.
 */
export const SCRAPER_HEALTH_MIGRATION_SQL = `
CREATE SEQUENCE IF NOT EXISTS scraper_health_revision;
CREATE TABLE IF NOT EXISTS scraper_instances (
  scraper text PRIMARY KEY,
  url text NOT NULL,
  started_ms bigint NOT NULL,
  heartbeat_ms bigint NOT NULL,
  publish_interval_ms bigint NOT NULL,
  dropped_targets jsonb NOT NULL DEFAULT '[]',
  metadata jsonb NOT NULL DEFAULT '{}',
  info_revision bigint NOT NULL DEFAULT nextval('scraper_health_revision')
);
CREATE TABLE IF NOT EXISTS scraper_targets (
  scraper text NOT NULL,
  key text NOT NULL,
  job text NOT NULL,
  url text NOT NULL,
  discovered_labels jsonb NOT NULL,
  labels jsonb NOT NULL,
  health text NOT NULL,
  last_scrape_ms bigint NOT NULL,
  last_scrape_duration_ms double precision NOT NULL,
  last_error text NOT NULL,
  scrape_interval_ms bigint NOT NULL,
  scrape_timeout_ms bigint NOT NULL,
  last_samples bigint NOT NULL,
  revision bigint NOT NULL DEFAULT nextval('scraper_health_revision'),
  PRIMARY KEY (scraper, key)
);
CREATE TABLE IF NOT EXISTS scraper_checks (
  scraper text NOT NULL,
  name text NOT NULL,
  type text NOT NULL,
  target text NOT NULL,
  labels jsonb NOT NULL,
  health text NOT NULL,
  last_run_ms bigint NOT NULL,
  last_duration_ms double precision NOT NULL,
  last_error text NOT NULL,
  interval_ms bigint NOT NULL,
  metrics jsonb NOT NULL,
  paused boolean NOT NULL DEFAULT false,
  revision bigint NOT NULL DEFAULT nextval('scraper_health_revision'),
  PRIMARY KEY (scraper, name)
);
`;

/** What the publisher reads from a Scraper. */
export interface HealthSource {
  targets(): TargetHealth[];
  checks(): CheckState[];
  droppedTargets(): DroppedTarget[];
  metadata(): Map<string, MetricMetadata[]>;
}

const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;

interface TargetRow {
  key: string; job: string; url: string; discovered_labels: Record<string, string>; labels: Record<string, string>;
  health: string; last_scrape_ms: number; last_scrape_duration_ms: number; last_error: string;
  scrape_interval_ms: number; scrape_timeout_ms: number; last_samples: number;
}

interface CheckRow {
  name: string; type: string; target: string; labels: Record<string, string>; health: string; last_run_ms: number;
  last_duration_ms: number; last_error: string; interval_ms: number; metrics: Record<string, number>; paused: boolean;
}

/** A target's identity: its job, URL and labels after relabeling (two targets may share a URL). JSON, as jsonb cannot hold NUL. */
function targetKey(t: { job: string; url: string; labels: Labels }): string {
  return JSON.stringify([t.job, t.url, t.labels.key]);
}

/** A number that JSON can carry (NaN and infinities in check metrics become null, then NaN again on read). */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/**
 * Runs rounds of database work one after another. A failed round is counted and logged once per outage
 * (and its recovery once), never thrown: the next round simply tries again.
 */
class Rounds {
  private chain: Promise<void> = Promise.resolve();
  private failing = false;
  errors = 0;

  constructor(
    private readonly log: (level: 'info' | 'warn', msg: string, err?: unknown) => void,
    private readonly what: string,
    private readonly meanwhile: string,
  ) {}

  run(round: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(async () => {
      try {
        await round();
        if (this.failing) this.log('info', `${this.what} works again`);
        this.failing = false;
      } catch (err) {
        this.errors++;
        if (!this.failing) this.log('warn', `${this.what} failed; ${this.meanwhile}`, err);
        this.failing = true;
      }
    });
    return this.chain;
  }

  /** Resolves when the round in progress, if any, has ended. */
  idle(): Promise<void> {
    return this.chain;
  }
}

/**
 * Publishes one scraper's target and check health into the tables, every `intervalMs`.
 * Not reentrant: rounds never overlap (a slow database makes rounds late, not concurrent).
 */
export class HealthPublisher {
  /** Row fingerprints as last written, by key; a row whose fingerprint is unchanged is not rewritten. */
  private targetsWritten = new Map<string, string>();
  private checksWritten = new Map<string, string>();
  private infoWritten = '';
  private timer: NodeJS.Timeout | undefined;
  private readonly rounds: Rounds;
  private readonly startedMs = Date.now();

  constructor(private readonly opts: {
    readonly sql: SqlFn;
    readonly source: HealthSource;
    /** This scraper's name, unique among the scrapers writing to one database. */
    readonly name: string;
    /** Where this scraper's own HTTP surface is, shown to operators. */
    readonly url: string;
    readonly intervalMs: number;
    readonly log: (level: 'info' | 'warn', msg: string, err?: unknown) => void;
  }) {
    this.rounds = new Rounds(opts.log, 'publishing target health to the database', 'retrying every round');
  }

  /** Publishes once now, then every interval. */
  async start(): Promise<void> {
    await this.publishNow();
    this.timer = setInterval(() => void this.publishNow(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** One round; never throws (a failure is logged once per outage and counted, and retried next round). */
  publishNow(): Promise<void> {
    return this.rounds.run(() => this.publish());
  }

  /** Rounds that failed (self metric). */
  get errors(): number {
    return this.rounds.errors;
  }

  /** Stops publishing and removes this scraper's rows: it no longer scrapes those targets. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.rounds.idle();
    const name = this.opts.name;
    try {
      await this.opts.sql('DELETE FROM scraper_targets WHERE scraper = $1', [name]);
      await this.opts.sql('DELETE FROM scraper_checks WHERE scraper = $1', [name]);
      await this.opts.sql('DELETE FROM scraper_instances WHERE scraper = $1', [name]);
    } catch (err) {
      this.opts.log('warn', 'could not remove this scraper\'s target health on stop; the api shows it as stale', err);
    }
  }

  private async publish(): Promise<void> {
    const { sql, source, name } = this.opts;
    const dropped = source.droppedTargets().map((d) => ({ discoveredLabels: d.discoveredLabels.toObject(), reason: d.reason }));
    const info = JSON.stringify({ dropped, metadata: Object.fromEntries(source.metadata()) });
    const infoChanged = info !== this.infoWritten;
    // The heartbeat goes first: a reader that sees fresh rows also sees a live scraper.
    await sql(
      `INSERT INTO scraper_instances (scraper, url, started_ms, heartbeat_ms, publish_interval_ms, dropped_targets, metadata)
       VALUES ($1, $2, $3, ${NOW_MS}, $4, ($5::jsonb)->'dropped', ($5::jsonb)->'metadata')
       ON CONFLICT (scraper) DO UPDATE SET url = excluded.url, started_ms = excluded.started_ms, heartbeat_ms = excluded.heartbeat_ms,
         publish_interval_ms = excluded.publish_interval_ms,
         dropped_targets = CASE WHEN $6 THEN excluded.dropped_targets ELSE scraper_instances.dropped_targets END,
         metadata = CASE WHEN $6 THEN excluded.metadata ELSE scraper_instances.metadata END,
         info_revision = CASE WHEN $6 THEN nextval('scraper_health_revision') ELSE scraper_instances.info_revision END`,
      [name, this.opts.url, this.startedMs, this.opts.intervalMs, info, infoChanged || this.infoWritten === ''],
    );
    this.infoWritten = info;

    const targets = new Map<string, TargetRow>();
    for (const t of source.targets()) {
      const key = targetKey(t);
      targets.set(key, {
        key, job: t.job, url: t.url, discovered_labels: t.discoveredLabels.toObject(), labels: t.labels.toObject(),
        health: t.health, last_scrape_ms: t.lastScrapeMs, last_scrape_duration_ms: t.lastScrapeDurationMs, last_error: t.lastError,
        scrape_interval_ms: t.scrapeIntervalMs, scrape_timeout_ms: t.scrapeTimeoutMs, last_samples: t.lastSamples,
      });
    }
    this.targetsWritten = await this.sync('scraper_targets', 'key', targets, this.targetsWritten,
      `key text, job text, url text, discovered_labels jsonb, labels jsonb, health text, last_scrape_ms bigint,
       last_scrape_duration_ms double precision, last_error text, scrape_interval_ms bigint, scrape_timeout_ms bigint, last_samples bigint`);

    const checks = new Map<string, CheckRow>();
    for (const c of source.checks()) {
      checks.set(c.name, {
        name: c.name, type: c.type, target: c.target, labels: c.labels.toObject(), health: c.health, last_run_ms: c.lastRunMs,
        last_duration_ms: c.lastDurationMs, last_error: c.lastError, interval_ms: c.intervalMs,
        metrics: Object.fromEntries(Object.entries(c.metrics).map(([k, v]) => [k, finiteOrNull(v)])) as Record<string, number>,
        paused: c.paused,
      });
    }
    this.checksWritten = await this.sync('scraper_checks', 'name', checks, this.checksWritten,
      `name text, type text, target text, labels jsonb, health text, last_run_ms bigint, last_duration_ms double precision,
       last_error text, interval_ms bigint, metrics jsonb, paused boolean`);
  }

  /**
   * Upserts the rows whose content changed since the last successful round and deletes this scraper's
   * rows that are gone; returns the new fingerprints. One statement for each, whatever the number of rows.
   */
  private async sync<R extends object>(table: string, keyColumn: string, rows: Map<string, R>, written: Map<string, string>, recordType: string): Promise<Map<string, string>> {
    const name = this.opts.name;
    const next = new Map<string, string>();
    const changed: R[] = [];
    for (const [key, row] of rows) {
      const fp = JSON.stringify(row);
      next.set(key, fp);
      if (written.get(key) !== fp) changed.push(row);
    }
    if (changed.length > 0) {
      const columns = Object.keys(changed[0]!);
      const assignments = columns.filter((c) => c !== keyColumn).map((c) => `${c} = excluded.${c}`).join(', ');
      await this.opts.sql(
        `INSERT INTO ${table} (scraper, ${columns.join(', ')})
         SELECT $1, ${columns.join(', ')} FROM jsonb_to_recordset($2::jsonb) AS r(${recordType})
         ON CONFLICT (scraper, ${keyColumn}) DO UPDATE SET ${assignments}, revision = nextval('scraper_health_revision')`,
        [name, JSON.stringify(changed)],
      );
    }
    // The first round also removes rows a previous run of this scraper left behind.
    const removed = written.size === 0 || [...written.keys()].some((k) => !next.has(k));
    if (removed) await this.opts.sql(`DELETE FROM ${table} WHERE scraper = $1 AND NOT (${keyColumn} = ANY($2::text[]))`, [name, [...next.keys()]]);
    return next;
  }
}

/** A target as the api shows it in split mode: a TargetHealth read from the table. */
type StoredTarget = TargetHealth & { readonly scraper: string };
type StoredCheck = CheckState & { readonly scraper: string };
/** A row's value and the revision it was read at. */
interface Revisioned<V> { readonly revision: number; readonly value: V }

interface Instance {
  readonly name: string;
  readonly url: string;
  readonly silentForMs: number;
  readonly publishIntervalMs: number;
  dropped: { discoveredLabels: Labels; reason: string }[];
  metadata: Record<string, MetricMetadata[]>;
  infoRevision: number;
}

/** Events: `scrape` when a target's published health shows a newer scrape, `check` likewise for checks. */
export interface StoredScraperEvents {
  scrape: [TargetHealth];
  check: [CheckState];
}

/**
 * The scrapers' published health, polled every `pollIntervalMs`: what an api process without a scraper
 * hands the API in the Scraper's place (same methods and events, read-only).
 */
export class StoredScraperView extends EventEmitter<StoredScraperEvents> {
  private instances = new Map<string, Instance>();
  private targetRows = new Map<string, Revisioned<StoredTarget>>();
  private checkRows = new Map<string, Revisioned<StoredCheck>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly rounds: Rounds;

  constructor(private readonly opts: {
    readonly sql: SqlFn;
    readonly pollIntervalMs: number;
    readonly log: (level: 'info' | 'warn', msg: string, err?: unknown) => void;
  }) {
    super();
    this.rounds = new Rounds(opts.log, 'reading the scrapers\' target health', 'showing the last known state');
  }

  /** Loads what is published now (so the API starts with it), then polls. */
  async start(): Promise<void> {
    await this.pollNow(false);
    this.timer = setInterval(() => void this.pollNow(true), this.opts.pollIntervalMs);
    this.timer.unref();
  }

  /** Stops polling. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.rounds.idle();
  }

  /** Reads the tables once; emits events for newer scrapes and check runs when `emit`. Never throws. */
  pollNow(emit = true): Promise<void> {
    return this.rounds.run(() => this.poll(emit));
  }

  /** Polls that failed (self metric). */
  get errors(): number {
    return this.rounds.errors;
  }

  /** Every published target; those of a scraper that stopped reporting are `unknown` with an error naming it. */
  targets(): TargetHealth[] {
    return [...this.targetRows.values()].map(({ value: target }) => {
      const silent = this.silence(target.scraper);
      return silent ? { ...target, health: 'unknown' as const, lastError: silent } : target;
    });
  }

  /** Every published check, with the same staleness rule as targets. */
  checks(): CheckState[] {
    return [...this.checkRows.values()].map(({ value: check }) => {
      const silent = this.silence(check.scraper);
      return silent ? { ...check, health: 'unknown' as const, lastError: silent } : check;
    });
  }

  /** Targets the scrapers dropped by relabeling. */
  droppedTargets(): DroppedTarget[] {
    return [...this.instances.values()].flatMap((i) => i.dropped);
  }

  /** Metric metadata merged across scrapers, each distinct entry once (as Prometheus's /api/v1/metadata). */
  metadata(): Map<string, MetricMetadata[]> {
    const out = new Map<string, MetricMetadata[]>();
    const seen = new Set<string>();
    for (const i of this.instances.values()) {
      for (const [name, list] of Object.entries(i.metadata)) {
        for (const md of list) {
          const id = `${name}\u0000${md.type}\u0000${md.help}\u0000${md.unit}`;
          if (seen.has(id)) continue;
          seen.add(id);
          out.set(name, [...(out.get(name) ?? []), md]);
        }
      }
    }
    return out;
  }

  /** The scrapers that have published, with how long each has been silent. */
  scrapers(): { name: string; url: string; silentForMs: number; stale: boolean }[] {
    return [...this.instances.values()].map((i) => ({ name: i.name, url: i.url, silentForMs: i.silentForMs, stale: this.silence(i.name) !== undefined }));
  }

  /** The error shown for a silent scraper's targets, or undefined while it reports. */
  private silence(scraper: string): string | undefined {
    const i = this.instances.get(scraper);
    if (!i) return `scraper ${scraper} is not registered`;
    const limitMs = Math.max(3 * i.publishIntervalMs, 15_000);
    return i.silentForMs > limitMs ? `scraper ${scraper} has not reported for ${Math.round(i.silentForMs / 1000)} s` : undefined;
  }

  private async poll(emit: boolean): Promise<void> {
    const { sql } = this.opts;
    const inst = await sql(`SELECT scraper, url, publish_interval_ms, info_revision, ${NOW_MS} - heartbeat_ms AS silent_ms FROM scraper_instances`);
    const instances = new Map<string, Instance>();
    const infoNeeded: string[] = [];
    for (const r of inst.rows) {
      const name = String(r.scraper);
      const prev = this.instances.get(name);
      const i: Instance = {
        name, url: String(r.url), silentForMs: Number(r.silent_ms), publishIntervalMs: Number(r.publish_interval_ms),
        dropped: prev?.dropped ?? [], metadata: prev?.metadata ?? {}, infoRevision: Number(r.info_revision),
      };
      if (!prev || prev.infoRevision !== i.infoRevision) infoNeeded.push(name);
      instances.set(name, i);
    }
    if (infoNeeded.length > 0) {
      const info = await sql('SELECT scraper, dropped_targets, metadata FROM scraper_instances WHERE scraper = ANY($1::text[])', [infoNeeded]);
      for (const r of info.rows) {
        const i = instances.get(String(r.scraper));
        if (!i) continue;
        i.dropped = (r.dropped_targets as { discoveredLabels: Record<string, string>; reason: string }[]).map((d) => ({ discoveredLabels: Labels.from(d.discoveredLabels), reason: d.reason }));
        i.metadata = r.metadata as Record<string, MetricMetadata[]>;
      }
    }
    this.instances = instances;

    const targets = await this.refresh(this.targetRows, 'scraper_targets', 'key', (r) => ({
      scraper: String(r.scraper), job: String(r.job), url: String(r.url),
      discoveredLabels: Labels.from(r.discovered_labels as Record<string, string>), labels: Labels.from(r.labels as Record<string, string>),
      health: r.health as TargetHealth['health'], lastScrapeMs: Number(r.last_scrape_ms), lastScrapeDurationMs: Number(r.last_scrape_duration_ms),
      lastError: String(r.last_error), scrapeIntervalMs: Number(r.scrape_interval_ms), scrapeTimeoutMs: Number(r.scrape_timeout_ms),
      lastSamples: Number(r.last_samples),
    }));
    const checks = await this.refresh(this.checkRows, 'scraper_checks', 'name', (r) => ({
      scraper: String(r.scraper), name: String(r.name), type: r.type as CheckState['type'], target: String(r.target),
      labels: Labels.from(r.labels as Record<string, string>), health: r.health as CheckState['health'], lastRunMs: Number(r.last_run_ms),
      lastDurationMs: Number(r.last_duration_ms), lastError: String(r.last_error), intervalMs: Number(r.interval_ms),
      metrics: Object.fromEntries(Object.entries(r.metrics as Record<string, number | null>).map(([k, v]) => [k, v ?? NaN])),
      paused: r.paused === true,
    }));
    const oldTargets = this.targetRows;
    const oldChecks = this.checkRows;
    this.targetRows = targets;
    this.checkRows = checks;
    if (!emit) return;
    for (const [key, { value: target }] of targets) {
      if (target.lastScrapeMs > (oldTargets.get(key)?.value.lastScrapeMs ?? 0)) this.emit('scrape', target);
    }
    for (const [key, { value: check }] of checks) {
      if (check.lastRunMs > (oldChecks.get(key)?.value.lastRunMs ?? 0)) this.emit('check', check);
    }
  }

  /**
   * Reads the (scraper, key, revision) of every row, then the full rows only for revisions not held yet;
   * rows no longer in the table are dropped.
   */
  private async refresh<V>(held: Map<string, Revisioned<V>>, table: string, keyColumn: string, fromRow: (r: Record<string, unknown>) => V): Promise<Map<string, Revisioned<V>>> {
    const ids = await this.opts.sql(`SELECT scraper, ${keyColumn} AS key, revision FROM ${table}`);
    const next = new Map<string, Revisioned<V>>();
    const wanted: number[] = [];
    for (const r of ids.rows) {
      const id = `${String(r.scraper)}\u0001${String(r.key)}`;
      const revision = Number(r.revision);
      const have = held.get(id);
      if (have && have.revision === revision) next.set(id, have);
      else wanted.push(revision);
    }
    if (wanted.length > 0) {
      const rows = await this.opts.sql(`SELECT * FROM ${table} WHERE revision = ANY($1::bigint[])`, [wanted]);
      for (const r of rows.rows) {
        next.set(`${String(r.scraper)}\u0001${String(r[keyColumn])}`, { revision: Number(r.revision), value: fromRow(r) });
      }
    }
    return next;
  }
}
