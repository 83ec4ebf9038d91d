/**
 * Translation of label matchers into SQL on `series`. The SQL is only a pre-filter that lets PostgreSQL use
 * its indexes: it must never drop a series the matcher accepts, and the querier always applies the
 * matchers again in JavaScript with model's `matchesAll`, which is the one definition of correctness.
 * Whatever cannot be translated safely (regexes outside a small common subset of RE2, JavaScript and
 * PostgreSQL ARE) is left to that JavaScript pass.
 */
import { METRIC_NAME, type Matcher } from '@hlmon/model';

/** Collects positional parameters ($1, $2, ...) for one statement. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

// Characters whose meaning is the same in RE2, JavaScript (with the `s` flag) and PostgreSQL's ARE with its
// default flags (where `.` and `[^...]` also match newlines). No braces, no `(?` groups, no `[[` classes.
const PORTABLE_REGEX = /^(?:[A-Za-z0-9_:/.|()*+?[\]^$,=@#%&!<>~;'" -]|\\[.\-/+*?()[\]|^$\\])*$/;

/** True when `source` means the same to PostgreSQL's `~` as to the Matcher, so it can filter in SQL. */
export function isPortableRegex(source: string): boolean {
  return PORTABLE_REGEX.test(source) && !source.includes('(?') && !source.includes('[[');
}

/**
 * A SQL condition on `series` that every series accepted by `m` satisfies, or undefined when the matcher
 * cannot narrow the scan safely. `useRegex: false` leaves out regex conditions (the fallback when the server
 * rejects a pattern).
 */
export function matcherCondition(m: Matcher, params: SqlParams, useRegex = true): string | undefined {
  const isName = m.name === METRIC_NAME;
  switch (m.type) {
    case '=':
      if (m.value === '') return isName ? `metric = ''` : `(labels -> ${params.add(m.name)}) IS NULL`;
      if (isName) return `metric = ${params.add(m.value)}`;
      // Containment uses the GIN (jsonb_path_ops) index.
      return `labels @> ${params.add(JSON.stringify({ [m.name]: m.value }))}::jsonb`;
    case '!=':
      if (m.value === '') return isName ? `metric <> ''` : `(labels -> ${params.add(m.name)}) IS NOT NULL`;
      if (isName) return `metric <> ${params.add(m.value)}`;
      return `(labels ->> ${params.add(m.name)}) IS DISTINCT FROM ${params.add(m.value)}`;
    case '=~':
    case '!~': {
      if (!useRegex || !isPortableRegex(m.value)) return undefined;
      const column = isName ? 'metric' : `coalesce(labels ->> ${params.add(m.name)}, '')`;
      const op = m.type === '=~' ? '~' : '!~';
      return `${column} ${op} ${params.add(`^(?:${m.value})$`)}`;
    }
  }
}

/** The WHERE clause (without the keyword) for a list of matchers; `true` when none narrows. */
export function matchersWhere(matchers: readonly Matcher[], params: SqlParams, useRegex = true): string {
  const parts: string[] = [];
  for (const m of matchers) {
    const c = matcherCondition(m, params, useRegex);
    if (c !== undefined) parts.push(c);
  }
  return parts.length === 0 ? 'true' : parts.join(' AND ');
}

/**
 * The WHERE clause for a list of matchers when every matcher has a SQL translation, else undefined. Then the
 * SQL alone selects exactly the series `matchesAll` accepts (portable regexes mean the same in both engines,
 * which store/test/querier.test.ts checks matcher by matcher), so label names and values can be computed in
 * the database without loading label sets into JavaScript.
 */
export function exactMatchersWhere(matchers: readonly Matcher[], params: SqlParams): string | undefined {
  const parts: string[] = [];
  for (const m of matchers) {
    const c = matcherCondition(m, params);
    if (c === undefined) return undefined;
    parts.push(c);
  }
  return parts.length === 0 ? 'true' : parts.join(' AND ');
}
