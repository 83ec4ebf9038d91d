/**
 * What the v1 API reads from the other components, as structural interfaces: the CLI hands in the real
 * Scraper, RuleManager, Dispatcher and Silences, and the API never imports their packages' internals.
 */
import type { Clock, Labels } from '@hlmon/model';
import type { ApiEngine } from '../prometheus/router.js';
import type { SqlFn } from '../auth/auth-store.js';

/** A scrape target's health (the scraper's TargetHealth). */
export interface TargetView {
  readonly job: string;
  readonly url: string;
  readonly discoveredLabels: Labels;
  readonly labels: Labels;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastScrapeMs: number;
  readonly lastScrapeDurationMs: number;
  readonly lastError: string;
  readonly scrapeIntervalMs: number;
  readonly scrapeTimeoutMs: number;
  readonly lastSamples: number;
}

/** A check's state (the scraper's CheckState). */
export interface CheckView {
  readonly name: string;
  readonly type: string;
  readonly target: string;
  readonly labels: Labels;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastRunMs: number;
  readonly lastDurationMs: number;
  readonly lastError: string;
  readonly intervalMs: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** The scraper as the API sees it. */
export interface ScraperView {
  targets(): readonly TargetView[];
  droppedTargets(): readonly { readonly discoveredLabels: Labels }[];
  checks(): readonly CheckView[];
  on(event: 'scrape', listener: (t: TargetView) => void): unknown;
  on(event: 'check', listener: (c: CheckView) => void): unknown;
  off(event: 'scrape', listener: (t: TargetView) => void): unknown;
  off(event: 'check', listener: (c: CheckView) => void): unknown;
}

/** An alert of a rule (the rules package's ActiveAlert). */
export interface RuleAlertView {
  readonly labels: Labels;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: string;
  readonly value: number;
  readonly activeAtMs: number;
  readonly resolvedAtMs: number;
}

/** A rule (recording or alerting) with its status. */
export interface RuleView {
  readonly name: string;
  readonly spec: { readonly expr: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>>; readonly forMs?: number };
  status(): { readonly health: string; readonly lastError: string; readonly evaluationDurationMs: number; readonly lastEvaluationMs: number };
  alerts?(): readonly RuleAlertView[];
}

/** The rule manager. */
export interface RulesView {
  groups(): readonly {
    readonly rules: readonly RuleView[];
    status(): { readonly name: string; readonly file: string; readonly intervalMs: number; readonly lastEvaluationMs: number; readonly evaluationDurationMs: number };
  }[];
}

/** One silence matcher (Alertmanager's shape). */
export interface SilenceMatcherView {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

/** A silence. */
export interface SilenceView {
  readonly id: string;
  readonly matchers: readonly SilenceMatcherView[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly updatedAtMs: number;
}

/** The silences (the rules package's Silences). */
export interface SilencesView {
  list(): SilenceView[];
  create(input: { matchers: SilenceMatcherView[]; startsAtMs: number; endsAtMs: number; createdBy: string; comment: string }): Promise<SilenceView>;
  expire(id: string): Promise<SilenceView>;
  state(s: SilenceView, nowMs?: number): 'pending' | 'active' | 'expired';
  mutedBy(labels: Labels): string[];
}

/** The notification dispatcher. */
export interface DispatcherView {
  sendTestNotification(receiver: string): Promise<readonly { readonly integration: string; readonly ok: boolean; readonly error: string; readonly durationMs: number }[]>;
}

/** Result of parsing a config text: the config, or errors with positions. */
export type ConfigParseResult<C> = { readonly config: C } | { readonly errors: readonly { readonly line: number; readonly column: number; readonly key?: string; readonly message: string }[] };

/** Access to the running config and its file. */
export interface ConfigAccess<C = unknown> {
  /** The file hlmon.yml lives in; undefined when the server runs on a built-in config (then it is read-only). */
  readonly file: string | undefined;
  /** The running parsed config (its `alerting.value.receivers` lists the receivers). */
  current(): C | undefined;
  /** The running config's source text. */
  currentText(): Promise<string>;
  /** Parses and validates a text (without applying it). */
  parse(text: string): ConfigParseResult<C>;
  /** Applies a parsed config to every component; `errors` non-empty means it was refused and the old one runs. */
  apply(config: C): Promise<{ readonly errors: readonly string[] }>;
}

/** Everything the v1 routes read or change. */
export interface V1Sources {
  readonly sql: SqlFn;
  readonly clock: Clock;
  readonly engine: ApiEngine;
  readonly scraper: ScraperView;
  readonly rules?: RulesView | undefined;
  readonly silences?: SilencesView | undefined;
  readonly dispatcher?: DispatcherView | undefined;
  readonly config: ConfigAccess;
}
