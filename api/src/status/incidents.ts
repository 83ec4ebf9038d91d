/**
 * Check incidents: a run of failed checks from the first failure to the next success, with the first and
 * the last error. Written from the scraper's `check` events, read by the checks API and status pages.
 */
import type { SqlFn } from '../auth/auth-store.js';
import type { CheckView } from '../v1/sources.js';

/** One incident. */
export interface Incident {
  readonly id: number;
  readonly check: string;
  readonly startedAtMs: number;
  /** Null while the check is still failing. */
  readonly endedAtMs: number | null;
  readonly firstError: string;
  readonly lastError: string;
  readonly failures: number;
}

function toIncident(r: Record<string, unknown>): Incident {
  return {
    id: Number(r['id']), check: String(r['check_name']), startedAtMs: Number(r['started_at_ms']),
    endedAtMs: r['ended_at_ms'] == null ? null : Number(r['ended_at_ms']), firstError: String(r['first_error']),
    lastError: String(r['last_error']), failures: Number(r['failures']),
  };
}

/** Records and lists incidents. One recorder per process; check events for one check arrive in order. */
export class IncidentLog {
  /** Check name → open incident id, loaded on first use. */
  private open: Map<string, number> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly sql: SqlFn, private readonly onError: (err: unknown) => void) {}

  /** Records a check result; runs after the previous one so the open-incident map stays right. */
  record(c: CheckView): Promise<void> {
    const p = this.queue.then(() => this.doRecord(c)).catch(this.onError);
    this.queue = p;
    return p;
  }

  private async doRecord(c: CheckView): Promise<void> {
    if (c.health === 'unknown') return;
    if (!this.open) {
      const { rows } = await this.sql('SELECT id, check_name FROM api_check_incidents WHERE ended_at_ms IS NULL');
      this.open = new Map(rows.map((r) => [String(r['check_name']), Number(r['id'])]));
    }
    const id = this.open.get(c.name);
    if (c.health === 'down') {
      if (id === undefined) {
        const { rows } = await this.sql(
          'INSERT INTO api_check_incidents (check_name, started_at_ms, first_error, last_error, failures) VALUES ($1, $2, $3, $3, 1) RETURNING id',
          [c.name, c.lastRunMs, c.lastError],
        );
        this.open.set(c.name, Number(rows[0]!['id']));
      } else {
        await this.sql('UPDATE api_check_incidents SET last_error = $2, failures = failures + 1 WHERE id = $1', [id, c.lastError]);
      }
    } else if (id !== undefined) {
      await this.sql('UPDATE api_check_incidents SET ended_at_ms = $2 WHERE id = $1', [id, c.lastRunMs]);
      this.open.delete(c.name);
    }
  }

  /** Incidents of some checks that overlap [sinceMs, now], newest first. */
  async list(checks: readonly string[], sinceMs: number, limit = 50): Promise<Incident[]> {
    const { rows } = await this.sql(
      `SELECT * FROM api_check_incidents WHERE check_name = ANY($1::text[]) AND (ended_at_ms IS NULL OR ended_at_ms >= $2)
       ORDER BY started_at_ms DESC LIMIT $3`,
      [checks, sinceMs, limit],
    );
    return rows.map(toIncident);
  }

  /** Waits for pending writes (tests and shutdown). */
  async flush(): Promise<void> {
    await this.queue;
  }
}
