/**
 * The Querier of the storage contract (model/src/storage.ts) over `series` and `samples`.
 */
import { Labels, matchesAll, type Matcher, type Querier, type Sample, type SelectHints, type Series } from '@hlmon/model';
import type { Knex } from 'knex';
import { withConnection, type RawConnection } from './connection.js';
import { classifyError, StoreError } from './errors.js';
import { exactMatchersWhere, matchersWhere, SqlParams } from './matcher-sql.js';
import { readSampleColumns } from './sample-reader.js';

interface SeriesRow {
  readonly id: number;
  readonly labels: Labels;
}

type Range = { start: number; end: number };

/** Reads series and samples. Stateless apart from the pool: safe for concurrent use. */
export class StoreQuerier implements Querier {
  constructor(private readonly knex: Knex, private readonly address: string) {}

  async select(matchers: readonly Matcher[], hints: SelectHints): Promise<Series[]> {
    const columns = await this.selectColumns(matchers, hints);
    return columns.map(({ labels, ts, vs }) => {
      const samples = new Array<Sample>(ts.length);
      for (let i = 0; i < ts.length; i++) samples[i] = { t: ts[i]!, v: vs[i]! };
      return { labels, samples };
    });
  }

  /**
   * Like `select`, with each series' samples as parallel arrays (query's ColumnarQuerier capability, which the
   * engine prefers because it spares one object per sample). The arrays belong to the caller.
   */
  async selectColumns(matchers: readonly Matcher[], hints: SelectHints): Promise<{ labels: Labels; ts: number[]; vs: number[] }[]> {
    checkRange(hints);
    return this.run('selecting series', async (conn) => {
      hints.signal?.throwIfAborted();
      // No time range on the series lookup: a series without samples in the range is dropped below anyway,
      // and the EXISTS probe per series would cost as much as reading the samples.
      const found = await findSeries(conn, matchers);
      if (found.length === 0) return [];
      hints.signal?.throwIfAborted();
      const columns = await readSampleColumns(conn, found.map((s) => s.id), hints.start, hints.end);
      const out: { labels: Labels; ts: number[]; vs: number[] }[] = [];
      found.forEach((s, i) => {
        const c = columns[i]!;
        if (c.ts.length > 0) out.push({ labels: s.labels, ts: c.ts, vs: c.vs });
      });
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
      const inSql = await distinctInSql(conn, 'SELECT DISTINCT k FROM series, jsonb_object_keys(series.labels) AS k', matcherSets, range);
      if (inSql) {
        for (const k of inSql) if (k !== null) names.add(k);
      } else {
        for (const s of await findUnion(conn, matcherSets, range)) for (const l of s.labels) names.add(l.name);
      }
      return [...names].sort(compareStrings);
    });
  }

  async labelValues(name: string, matcherSets: readonly (readonly Matcher[])[] = [], range?: Range): Promise<string[]> {
    if (range) checkRange(range);
    return this.run(`listing values of label ${name}`, async (conn) => {
      const values = new Set<string>();
      const inSql = await distinctInSql(conn, 'SELECT DISTINCT labels ->> $1 FROM series', matcherSets, range, name);
      if (inSql) {
        for (const v of inSql) if (v !== null && v !== '') values.add(v);
      } else {
        for (const s of await findUnion(conn, matcherSets, range)) {
          const v = s.labels.get(name);
          if (v !== '') values.add(v);
        }
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
    where += ` AND ${existsInRange(params, range)}`;
  }
  const res = await conn.query<{ id: number; labels: Record<string, string> }>(`SELECT id, labels FROM series WHERE ${where}`, params.values);
  return res.rows;
}

/**
 * Runs `select` (one text column; `$1` is `first` when given) over the series matching any of the matcher
 * sets, in the database. Returns undefined when some matcher has no exact SQL translation, or when the server
 * rejects a regex, so that the caller falls back to filtering label sets in JavaScript.
 */
async function distinctInSql(conn: RawConnection, select: string, matcherSets: readonly (readonly Matcher[])[], range?: Range, first?: string): Promise<(string | null)[] | undefined> {
  const params = new SqlParams();
  if (first !== undefined) params.add(first);
  const ors: string[] = [];
  for (const set of matcherSets.length === 0 ? [[]] : matcherSets) {
    const where = exactMatchersWhere(set, params);
    if (where === undefined) return undefined;
    ors.push(`(${where})`);
  }
  let where = ors.join(' OR ');
  if (range) where = `(${where}) AND ${existsInRange(params, range)}`;
  try {
    const res = await conn.query<unknown[]>({ text: `${select} WHERE ${where}`, values: params.values, rowMode: 'array' });
    return res.rows.map((r) => r[0] as string | null);
  } catch (err) {
    if ((err as { code?: string }).code === '2201B') return undefined;
    throw err;
  }
}

/** The condition that a series has at least one sample in the range. */
function existsInRange(params: SqlParams, range: Range): string {
  return `EXISTS (SELECT 1 FROM samples WHERE samples.series_id = series.id AND samples.t >= ${params.add(range.start)} AND samples.t <= ${params.add(range.end)})`;
}
