/** Alertmanager's matcher syntax for routes, inhibit rules and silences: `name="value"`, `name=~"re"`, `{a="b", c!="d"}`. */
import { Matcher, type MatchType, type Labels } from '@hlmon/model';

/** Raised for a matcher that does not parse; the message names the input. */
export class MatcherParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MatcherParseError';
  }
}

const MATCHER_RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*|"(?:[^"\\]|\\.)*")\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^,]*?)\s*$/;

/** Parses one matcher such as `severity="critical"` or `instance=~"nas.*"`. */
export function parseMatcher(s: string): Matcher {
  const m = MATCHER_RE.exec(s);
  if (!m) throw new MatcherParseError(`bad matcher format: ${s}`);
  let name = m[1]!;
  if (name.startsWith('"')) name = JSON.parse(name) as string;
  let value = m[3]!;
  if (value.startsWith('"')) {
    try { value = JSON.parse(value) as string; }
    catch (cause) { throw new MatcherParseError(`bad matcher value in ${s}`, { cause }); }
  }
  try {
    return new Matcher(m[2] as MatchType, name, value);
  } catch (cause) {
    throw new MatcherParseError(`bad matcher ${s}: ${(cause as Error).message}`, { cause });
  }
}

/** Parses a list of matchers, or one `{a="b", c=~"d"}` selector with commas. */
export function parseMatchers(s: string): Matcher[] {
  let body = s.trim();
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  const parts: string[] = [];
  let cur = '';
  let inQuote = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\' && inQuote) { cur += c + (body[i + 1] ?? ''); i++; continue; }
    if (c === '"') inQuote = !inQuote;
    if (c === ',' && !inQuote) { parts.push(cur); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim() !== '') parts.push(cur);
  return parts.map(parseMatcher);
}

/** True when every matcher accepts the labels. */
export function matchLabels(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

/** Prints matchers as Alertmanager does: `{a="b",c=~"d"}`. */
export function formatMatchers(matchers: readonly Matcher[]): string {
  return '{' + matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(',') + '}';
}
