/**
 * Label matchers: `=`, `!=`, `=~`, `!~` with Prometheus semantics.
 *
 * Regular expressions are fully anchored and `.` matches newlines, as Prometheus compiles them
 * (`^(?s:<re>)$`). A leading RE2 flag group such as `(?i)` is translated to a JavaScript flag, since
 * JavaScript on Node 20 has no inline modifiers. A matcher against '' matches absent labels too.
 */
import type { Labels } from './labels.js';

/** The four matcher operators. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** Raised for an invalid regular expression in a matcher. */
export class MatcherError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MatcherError';
  }
}

/** One label matcher. Immutable; `matches` is safe to call concurrently. */
export class Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  private readonly re: RegExp | undefined;
  /** For regexes that are plain alternations of literals (`a|b|c`), the set of literals. */
  readonly setMatches: readonly string[] | undefined;

  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    if (type === '=~' || type === '!~') {
      this.re = compileAnchored(value);
      this.setMatches = literalAlternatives(value);
    }
  }

  /** True when `v` (the label's value, '' when absent) satisfies the matcher. */
  matches(v: string): boolean {
    switch (this.type) {
      case '=': return v === this.value;
      case '!=': return v !== this.value;
      case '=~': return this.re!.test(v);
      case '!~': return !this.re!.test(v);
    }
  }

  /** True when the matcher accepts the empty string, i.e. also series without the label. */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  /** PromQL notation, e.g. `job=~"node|api"`. */
  toString(): string {
    return `${this.name}${this.type}${JSON.stringify(this.value)}`;
  }
}

/** True when every matcher accepts the labels. */
export function matchesAll(matchers: readonly Matcher[], labels: Labels): boolean {
  for (const m of matchers) if (!m.matches(labels.get(m.name))) return false;
  return true;
}

/** Compiles a Prometheus (RE2) regex fully anchored, with `.` matching newlines. */
export function compileAnchored(source: string): RegExp {
  let flags = 's';
  let body = source;
  const flagGroup = /^\(\?([imsU]+)\)/.exec(body);
  if (flagGroup) {
    if (flagGroup[1]!.includes('i')) flags += 'i';
    if (flagGroup[1]!.includes('m')) flags += 'm';
    body = body.slice(flagGroup[0].length);
  }
  // RE2 spellings that JavaScript lacks or reads differently.
  body = body.replace(/\\z/g, '$').replace(/\(\?P</g, '(?<');
  try {
    return new RegExp(`^(?:${body})$`, flags + 'u');
  } catch {
    try {
      // Some RE2-valid patterns (e.g. `\-` escapes outside classes) are rejected in unicode mode.
      return new RegExp(`^(?:${body})$`, flags);
    } catch (cause) {
      throw new MatcherError(`invalid regular expression ${JSON.stringify(source)}: ${(cause as Error).message}`, { cause });
    }
  }
}

function literalAlternatives(source: string): string[] | undefined {
  if (source === '' || /[\\.^$*+?()[\]{}]/.test(source)) return undefined;
  return source.split('|');
}
