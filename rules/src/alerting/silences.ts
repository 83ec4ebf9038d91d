/**
 * Silences: matchers plus a time window, with author and comment, persisted. An alert is muted while an
 * active silence matches all of its labels.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, Labels } from '@hlmon/model';
import { Matcher, type MatchType } from '@hlmon/model';
import type { RulesPersistence } from '../persistence/persistence.js';

/** One matcher of a silence, in Alertmanager's API shape. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

/** A silence. Times are ms since the epoch. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly createdBy: string;
  readonly comment: string;
  readonly updatedAtMs: number;
}

/** A silence's state at a moment. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** Raised for an invalid silence; the message says which field and why. */
export class SilenceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SilenceError';
  }
}

function toMatcher(m: SilenceMatcher): Matcher {
  const type: MatchType = m.isRegex ? (m.isEqual ? '=~' : '!~') : (m.isEqual ? '=' : '!=');
  return new Matcher(type, m.name, m.value);
}

/** The silences of one alerting instance. Safe for concurrent use within one process. */
export class Silences {
  private readonly byId = new Map<string, { s: Silence; matchers: Matcher[] }>();

  constructor(private readonly clock: Clock, private readonly persistence?: RulesPersistence) {}

  /** Loads persisted silences. */
  async load(): Promise<void> {
    if (!this.persistence) return;
    for (const s of await this.persistence.loadSilences()) this.byId.set(s.id, { s, matchers: s.matchers.map(toMatcher) });
  }

  /** Creates a silence after validating it; returns it with its id. */
  async create(input: Omit<Silence, 'id' | 'updatedAtMs'> & { id?: string }): Promise<Silence> {
    const now = this.clock.now();
    if (!Array.isArray(input.matchers) || input.matchers.length === 0) throw new SilenceError('silence must have at least one matcher');
    let matchers: Matcher[];
    try { matchers = input.matchers.map(toMatcher); }
    catch (cause) { throw new SilenceError(`invalid silence matcher: ${(cause as Error).message}`, { cause }); }
    if (matchers.every((m) => m.matches(''))) throw new SilenceError('at least one matcher must not match the empty string');
    if (!(input.endsAtMs > input.startsAtMs)) throw new SilenceError('endsAt must be after startsAt');
    if (input.endsAtMs <= now) throw new SilenceError('endsAt must be in the future');
    if (!input.createdBy?.trim()) throw new SilenceError('createdBy must not be empty');
    if (!input.comment?.trim()) throw new SilenceError('comment must not be empty');
    const s: Silence = {
      id: input.id ?? randomUUID(), matchers: input.matchers.map((m) => ({ ...m })),
      startsAtMs: Math.max(input.startsAtMs, now), endsAtMs: input.endsAtMs,
      createdBy: input.createdBy, comment: input.comment, updatedAtMs: now,
    };
    await this.persistence?.saveSilence(s);
    this.byId.set(s.id, { s, matchers });
    return s;
  }

  /** Expires a silence now; rejects for an unknown or already expired id. */
  async expire(id: string): Promise<Silence> {
    const e = this.byId.get(id);
    if (!e) throw new SilenceError(`silence ${id} not found`);
    const now = this.clock.now();
    if (this.state(e.s, now) === 'expired') throw new SilenceError(`silence ${id} already expired`);
    const s: Silence = { ...e.s, endsAtMs: now, startsAtMs: Math.min(e.s.startsAtMs, now), updatedAtMs: now };
    await this.persistence?.saveSilence(s);
    this.byId.set(id, { s, matchers: e.matchers });
    return s;
  }

  /** A silence's state at `nowMs`. */
  state(s: Silence, nowMs = this.clock.now()): SilenceState {
    if (nowMs < s.startsAtMs) return 'pending';
    if (nowMs >= s.endsAtMs) return 'expired';
    return 'active';
  }

  /** All silences, newest first. */
  list(): Silence[] {
    return [...this.byId.values()].map((e) => e.s).sort((a, b) => b.updatedAtMs - a.updatedAtMs);
  }

  /** Ids of the active silences that match `labels`. */
  mutedBy(labels: Labels): string[] {
    const now = this.clock.now();
    const ids: string[] = [];
    for (const { s, matchers } of this.byId.values()) {
      if (this.state(s, now) !== 'active') continue;
      if (matchers.every((m) => m.matches(labels.get(m.name)))) ids.push(s.id);
    }
    return ids;
  }
}
