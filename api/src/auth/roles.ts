/**
 * Roles, ordered: a viewer reads, an editor also changes what is monitored (targets, checks, silences,
 * status pages), an admin also manages users, keys and the whole config.
 */

/** The roles, weakest first. */
export const ROLES = ['viewer', 'editor', 'admin'] as const;

/** One of ROLES. */
export type Role = (typeof ROLES)[number];

/** What a route needs: a role, or `public` for routes anyone may call (login, status pages, badges). */
export type Access = Role | 'public';

/** True when `have` is at least `need`. */
export function roleAtLeast(have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** Who is calling: a user by session, an API key, or anonymous with the configured read role. */
export interface Principal {
  readonly kind: 'session' | 'key' | 'anonymous';
  readonly role: Role;
  /** The user (session) or the key's creator; undefined for anonymous. */
  readonly userId?: number;
  readonly username?: string;
  /** The API key id (kind `key`). */
  readonly keyId?: number;
}
