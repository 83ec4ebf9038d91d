/**
 * The Querier of the storage contract (model/src/storage.ts) over `series` and `samples`.
 */
import { Labels, matchesAll, STALE_NAN, type Matcher, type Querier, type Sample, type SelectHints, type Series } from '@hlmon/model';
import type { Knex } from 'knex';
import { withConnection, type RawConnection } from './connection.js';
import { classifyError, StoreError } from './errors.js';
import { matchersWhere, SqlParams } from './matcher-sql.js';

interface SeriesRow {
  readonly id: number;
  readonly labels: Labels;
}

type Range = { start: number; end: number };

/** Reads series and samples. Stateless apart from the pool: safe for concurrent use. */
export class StoreQuerier implements Querier {
  constructor(private readonly knex: Knex, private readonly address: string) {}

  async select(matchers: readonly Matcher[], hints: SelectHints): Promise<Series[]> {
    checkRange(hints);
    return this.run('selecting series', async (conn) => {
      hints.signal?.throwIfAborted();
      const found = await findSeries(conn, matchers, hints);
      if (found.length === 0) return [];
      hints.signal?.throwIfAborted();
      const byId = new Map<number, Sample[]>();
      for (const s of found) byId.set(s.id, []);
      const res = await conn.query<unknown[]>({
        text: 'SELECT series_id, t, v FROM samples WHERE series_id = ANY($1::bigint[]) AND t >= $2 AND t <= $3 ORDER BY series_id, t',
        values: ['{' + found.map((s) => s.id).join(',') + '}', hints.start, hints.end],
        rowMode: 'array',
      });
      for (const row of res.rows as [number, number, number | null][]) {
        // NULL is the staleness marker (see docs/decisions/0002-storage-schema.md).
        byId.get(row[0])!.push({ t: row[1], v: row[2] === null ? STALE_NAN : row[2] });
      }
      const out: Series[] = [];
      for (const s of found) {
        const samples = byId.get(s.id)!;
        if (samples.length > 0) out.push({ labels: s.labels, samples });
      }
      return out;
    });
  }

  async series(matcherSets: readonly (readonly Matcher[])[], range?: Range): Promise<Labels[]> {
    if (range) checkRange(range);
    return this.run('listing series', async (conn) => (await findUnion(conn, matcherSets, range)).map((s) => s.labels));
  }

  async labelNames(matcherSets: readonly (readonly Matcher[])[] = [], range?: Range): Promise<string[]> {
    if (range) checkRange(range);
    return this.run('listing label names', async (conn) => {
      const names = new Set<string>();
      for (const s of await findUnion(conn, matcherSets, range)) for (const l of s.labels) names.add(l.name);
      return [...names].sort(compareStrings);
    });
  }

  async labelValues(name: string, matcherSets: readonly (readonly Matcher[])[] = [], range?: Range): Promise<string[]> {
    if (range) checkRange(range);
    return this.run(`listing values of label ${name}`, async (conn) => {
      const values = new Set<string>();
      for (const s of await findUnion(conn, matcherSets, range)) {
        const v = s.labels.get(name);
        if (v !== '') values.add(v);
      }
      return [...values].sort(compareStrings);
    });
  }

  private async run<T>(doing: string, fn: (conn: RawConnection) => Promise<T>): Promise<T> {
    try {
      return await withConnection(this.knex, { address: this.address, doing }, fn);
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      throw classifyError(err, { address: this.address, doing });
    }
  }
}

function checkRange(r: Range): void {
  if (!Number.isFinite(r.start) || !Number.isFinite(r.end)) {
    throw new StoreError(`invalid time range [${r.start}, ${r.end}]: start and end must be finite milliseconds`, { code: 'BAD_INPUT' });
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Series matching any of the matcher lists (all series for an empty list), sorted by label key. */
async function findUnion(conn: RawConnection, matcherSets: readonly (readonly Matcher[])[], range?: Range): Promise<SeriesRow[]> {
  const sets = matcherSets.length === 0 ? [[]] : matcherSets;
  const byId = new Map<number, SeriesRow>();
  for (const set of sets) for (const s of await findSeries(conn, set, range)) byId.set(s.id, s);
  return [...byId.values()].sort((a, b) => compareStrings(a.labels.key, b.labels.key));
}

/** Series whose labels satisfy every matcher, optionally only those with samples in the range. */
async function findSeries(conn: RawConnection, matchers: readonly Matcher[], range?: Range): Promise<SeriesRow[]> {
  let rows: { id: number; labels: Record<string, string> }[];
  try {
    rows = await querySeries(conn, matchers, true, range);
  } catch (err) {
    // A pattern that PostgreSQL's regex engine rejects although it passed the portability check: fall
    // back to filtering every candidate in JavaScript rather than failing the query.
    if ((err as { code?: string }).code !== '2201B') throw err;
    rows = await querySeries(conn, matchers, false, range);
  }
  const out: SeriesRow[] = [];
  for (const row of rows) {
    const labels = Labels.from(row.labels);
    if (matchesAll(matchers, labels)) out.push({ id: row.id, labels });
  }
  return out.sort((a, b) => compareStrings(a.labels.key, b.labels.key));
}

async function querySeries(conn: RawConnection, matchers: readonly Matcher[], useRegex: boolean, range?: Range) {
  const params = new SqlParams();
  let where = matchersWhere(matchers, params, useRegex);
  if (range) {
    where += ` AND EXISTS (SELECT 1 FROM samples WHERE samples.series_id = series.id AND samples.t >= ${params.add(range.start)} AND samples.t <= ${params.add(range.end)})`;
  }
  const res = await conn.query<{ id: number; labels: Record<string, string> }>(`SELECT id, labels FROM series WHERE ${where}`, params.values);
  return res.rows;
}
