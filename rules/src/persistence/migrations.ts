/**
 * DDL for the rules and alerting tables, exported so the store can run it with its own migrations. Plain
 * tables with primary keys and no extensions, so they run unchanged on PostgreSQL, PGlite, TimescaleDB and
 * Citus (as local tables).
 */

/** One migration: a stable name and its SQL (idempotent). */
export interface RulesMigration {
  readonly name: string;
  readonly sql: string;
}

/** The migrations in order. */
export const RULES_MIGRATIONS: readonly RulesMigration[] = [
  {
    name: '0001_rules_alerting_state',
    sql: `
CREATE TABLE IF NOT EXISTS rules_alert_state (
  group_key text NOT NULL,
  rule_key text NOT NULL,
  alert_key text NOT NULL,
  labels jsonb NOT NULL,
  annotations jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('inactive', 'pending', 'firing')),
  value double precision,
  active_at_ms bigint NOT NULL,
  fired_at_ms bigint NOT NULL,
  resolved_at_ms bigint NOT NULL,
  last_sent_at_ms bigint NOT NULL,
  valid_until_ms bigint NOT NULL,
  keep_firing_since_ms bigint NOT NULL,
  PRIMARY KEY (group_key, rule_key, alert_key)
);
CREATE TABLE IF NOT EXISTS alerting_silences (
  id text PRIMARY KEY,
  matchers jsonb NOT NULL,
  starts_at_ms bigint NOT NULL,
  ends_at_ms bigint NOT NULL,
  created_by text NOT NULL,
  comment text NOT NULL,
  updated_at_ms bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS alerting_notification_log (
  receiver text NOT NULL,
  group_key text NOT NULL,
  firing jsonb NOT NULL,
  resolved jsonb NOT NULL,
  timestamp_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL,
  PRIMARY KEY (receiver, group_key)
);
CREATE TABLE IF NOT EXISTS alerting_deliveries (
  id bigserial PRIMARY KEY,
  receiver text NOT NULL,
  integration text NOT NULL,
  group_key text NOT NULL,
  ok boolean NOT NULL,
  attempts integer NOT NULL,
  error text NOT NULL,
  at_ms bigint NOT NULL,
  duration_ms double precision NOT NULL,
  alerts integer NOT NULL
);
CREATE INDEX IF NOT EXISTS alerting_deliveries_at ON alerting_deliveries (at_ms);
`,
  },
];
