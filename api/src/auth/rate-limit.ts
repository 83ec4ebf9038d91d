/**
 * Login rate limiting: failed attempts are counted per client address and per username in a sliding
 * window. Counting per username stops a distributed guess at one account; per address stops one client
 * trying many accounts. Successful logins clear the username's count.
 */
import type { Clock } from '@hlmon/model';

/** Limits of the login rate limiter. */
export interface RateLimitOptions {
  /** Failures allowed per address within the window. */
  readonly maxPerAddress: number;
  /** Failures allowed per username within the window. */
  readonly maxPerUser: number;
  readonly windowMs: number;
}

/** The defaults: 20 failures per address, 5 per username, per 15 minutes. */
export const DEFAULT_LOGIN_LIMITS: RateLimitOptions = { maxPerAddress: 20, maxPerUser: 5, windowMs: 15 * 60_000 };

/** Keys kept at most, so a flood of made-up usernames cannot grow memory without bound. */
const MAX_KEYS = 100_000;

/** Sliding-window counters of failed logins. */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly clock: Clock, private readonly limits: RateLimitOptions = DEFAULT_LOGIN_LIMITS) {}

  /** Milliseconds until the next attempt is allowed, or 0 when it is allowed now. */
  retryAfterMs(address: string, username: string): number {
    const now = this.clock.now();
    const a = this.recent(`a:${address}`, now);
    const u = this.recent(`u:${username}`, now);
    let wait = 0;
    if (a.length >= this.limits.maxPerAddress) wait = Math.max(wait, a[a.length - this.limits.maxPerAddress]! + this.limits.windowMs - now);
    if (u.length >= this.limits.maxPerUser) wait = Math.max(wait, u[u.length - this.limits.maxPerUser]! + this.limits.windowMs - now);
    return wait;
  }

  /** Records a failed attempt. */
  fail(address: string, username: string): void {
    const now = this.clock.now();
    if (this.failures.size >= MAX_KEYS) this.prune(now);
    for (const k of [`a:${address}`, `u:${username}`]) this.failures.set(k, [...this.recent(k, now), now]);
  }

  /** Clears the username's failures after a successful login. */
  succeed(username: string): void {
    this.failures.delete(`u:${username}`);
  }

  private recent(key: string, now: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const kept = list.filter((t) => t > now - this.limits.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else if (kept.length !== list.length) this.failures.set(key, kept);
    return kept;
  }

  private prune(now: number): void {
    for (const k of [...this.failures.keys()]) this.recent(k, now);
    // Still full: forget the oldest keys rather than refuse service.
    for (const k of this.failures.keys()) {
      if (this.failures.size < MAX_KEYS / 2) break;
      this.failures.delete(k);
    }
  }
}
