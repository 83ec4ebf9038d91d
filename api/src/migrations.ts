/**
 * The API's own tables: users, browser sessions, API keys, the first-run claim, alert history, check
 * incidents and status pages. The CLI passes them to the store as extra migrations (names sort after the
 * store's own), so `hlmon migrate` and the server agree on the schema.
 */

/** One migration: a name that sorts in order and the SQL it runs once. */
export interface ApiMigration {
  readonly name: string;
  readonly sql: string;
}

/** The API's migrations, in order. */
export const API_MIGRATIONS: readonly ApiMigration[] = [
  {
    name: '0001_auth',
    sql: `
CREATE TABLE IF NOT EXISTS api_users (
  id bigserial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  created_at_ms bigint NOT NULL
);
-- One row at most: the first-run setup claims it in the same statement that creates the admin, so two
-- concurrent setup requests cannot both create an admin.
CREATE TABLE IF NOT EXISTS api_setup (
  singleton int PRIMARY KEY CHECK (singleton = 1),
  done_at_ms bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS api_sessions (
  id_hash text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES api_users(id) ON DELETE CASCADE,
  created_at_ms bigint NOT NULL,
  expires_at_ms bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS api_sessions_user ON api_sessions (user_id);
CREATE TABLE IF NOT EXISTS api_keys (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  prefix text NOT NULL,
  secret_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  created_by bigint REFERENCES api_users(id) ON DELETE SET NULL,
  created_at_ms bigint NOT NULL,
  last_used_ms bigint,
  revoked_at_ms bigint
);`,
  },
  {
    name: '0002_history',
    sql: `
CREATE TABLE IF NOT EXISTS api_alert_history (
  id bigserial PRIMARY KEY,
  fingerprint text NOT NULL,
  labels jsonb NOT NULL,
  annotations jsonb NOT NULL,
  state text NOT NULL,
  active_at_ms bigint NOT NULL,
  resolved_at_ms bigint,
  changed_at_ms bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS api_alert_history_changed ON api_alert_history (changed_at_ms);
CREATE TABLE IF NOT EXISTS api_check_incidents (
  id bigserial PRIMARY KEY,
  check_name text NOT NULL,
  started_at_ms bigint NOT NULL,
  ended_at_ms bigint,
  first_error text NOT NULL,
  last_error text NOT NULL,
  failures int NOT NULL
);
CREATE INDEX IF NOT EXISTS api_check_incidents_check ON api_check_incidents (check_name, started_at_ms);
CREATE TABLE IF NOT EXISTS api_status_pages (
  slug text PRIMARY KEY,
  title text NOT NULL,
  description text NOT NULL,
  checks jsonb NOT NULL,
  created_at_ms bigint NOT NULL
);`,
  },
  {
    name: '0003_alert_history_indexes',
    sql: `
-- The alerts route lists the newest resolved alerts of a window; a restarted server reads the newest row
-- of every fingerprint to know which alerts it already recorded as pending or firing.
CREATE INDEX IF NOT EXISTS api_alert_history_resolved ON api_alert_history (changed_at_ms DESC, id DESC) WHERE state = 'resolved';
CREATE INDEX IF NOT EXISTS api_alert_history_fingerprint ON api_alert_history (fingerprint, id DESC);`,
  },
  {
    name: '0004_check_daily',
    sql: `
-- Daily up/total counts of probe_success per check for completed days (v1/check-daily.ts), so long uptime
-- windows read a row per day. A day is listed in api_check_daily_done once summarised, also when no check
-- had samples that day.
CREATE TABLE IF NOT EXISTS api_check_daily (
  check_name text NOT NULL,
  day_start_ms bigint NOT NULL,
  up double precision NOT NULL,
  total bigint NOT NULL,
  PRIMARY KEY (check_name, day_start_ms)
);
CREATE TABLE IF NOT EXISTS api_check_daily_done (
  day_start_ms bigint PRIMARY KEY
);`,
  },
];
