/**
 * Users, sessions and API keys in the API's tables (see migrations.ts), through the `sql` function the
 * store provides. Only hashes of secrets are stored; a secret exists in the clear only in the one response
 * that hands it out.
 */
import type { Clock } from '@hlmon/model';
import type { Role } from './roles.js';
import { DUMMY_PASSWORD_HASH, hashPassword, hashToken, newApiKey, randomToken, verifyPassword } from './secrets.js';

/** Runs one SQL statement with $n parameters (the store's `sql`). */
export type SqlFn = (text: string, params?: readonly unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/** A user as the API shows it. */
export interface User {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
  readonly createdAtMs: number;
}

/** An API key as the API shows it (never the secret). */
export interface ApiKey {
  readonly id: number;
  readonly name: string;
  /** The first characters of the secret, to tell keys apart. */
  readonly prefix: string;
  readonly role: Role;
  readonly createdAtMs: number;
  readonly lastUsedMs: number | null;
  readonly revokedAtMs: number | null;
}

/** Raised when a username is taken. */
export class DuplicateUserError extends Error {
  constructor(username: string, options?: { cause?: unknown }) {
    super(`user ${username} already exists`, options);
    this.name = 'DuplicateUserError';
  }
}

function toUser(r: Record<string, unknown>): User {
  return { id: Number(r['id']), username: String(r['username']), role: r['role'] as Role, createdAtMs: Number(r['created_at_ms']) };
}

function toKey(r: Record<string, unknown>): ApiKey {
  const num = (v: unknown) => (v == null ? null : Number(v));
  return {
    id: Number(r['id']), name: String(r['name']), prefix: String(r['prefix']), role: r['role'] as Role,
    createdAtMs: Number(r['created_at_ms']), lastUsedMs: num(r['last_used_ms']), revokedAtMs: num(r['revoked_at_ms']),
  };
}

/** How long a key's last-used time may lag, so every request does not write. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * How long a looked-up session or key is trusted without asking the database again. Revocation, logout and
 * password changes in this process clear the cache at once; another process (a scaled-out `hlmon api`)
 * notices within this time.
 */
export const AUTH_CACHE_TTL_MS = 5_000;
const AUTH_CACHE_MAX = 10_000;

/** Persistence of users, sessions and keys. */
export class AuthStore {
  /** Key id → last-used time written, to skip writes within LAST_USED_RESOLUTION_MS. */
  private readonly lastUsedWritten = new Map<number, number>();
  /** Token hash → what it resolved to and until when that answer may be reused. */
  private readonly cache = new Map<string, { value: User | ApiKey | undefined; untilMs: number }>();

  constructor(private readonly sql: SqlFn, private readonly clock: Clock, private readonly sessionTtlMs: number) {}

  /** True until the first-run setup has created the admin. */
  async needsSetup(): Promise<boolean> {
    const { rows } = await this.sql('SELECT (SELECT count(*) FROM api_setup) + (SELECT count(*) FROM api_users) AS n');
    return Number(rows[0]?.['n']) === 0;
  }

  /** Creates the first admin; undefined when setup was already done (or a user exists). */
  async setupAdmin(username: string, password: string): Promise<User | undefined> {
    const hash = await hashPassword(password);
    const now = this.clock.now();
    // One statement: claiming the setup row and inserting the admin commit together or not at all.
    const { rows } = await this.sql(
      `WITH claim AS (
         INSERT INTO api_setup (singleton, done_at_ms) SELECT 1, $4 WHERE NOT EXISTS (SELECT 1 FROM api_users)
         ON CONFLICT DO NOTHING RETURNING 1)
       INSERT INTO api_users (username, password_hash, role, created_at_ms) SELECT $1, $2, $3, $4 FROM claim
       RETURNING id, username, role, created_at_ms`,
      [username, hash, 'admin', now],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /** Creates a user. */
  async createUser(username: string, password: string, role: Role): Promise<User> {
    const hash = await hashPassword(password);
    try {
      const { rows } = await this.sql(
        'INSERT INTO api_users (username, password_hash, role, created_at_ms) VALUES ($1, $2, $3, $4) RETURNING id, username, role, created_at_ms',
        [username, hash, role, this.clock.now()],
      );
      return toUser(rows[0]!);
    } catch (err) {
      if ((err as { code?: string }).code === '23505' || /unique|duplicate/i.test(String((err as Error).message))) throw new DuplicateUserError(username, { cause: err });
      throw err;
    }
  }

  /** Every user, by id. */
  async listUsers(): Promise<User[]> {
    const { rows } = await this.sql('SELECT id, username, role, created_at_ms FROM api_users ORDER BY id');
    return rows.map(toUser);
  }

  /** One user by id. */
  async getUser(id: number): Promise<User | undefined> {
    const { rows } = await this.sql('SELECT id, username, role, created_at_ms FROM api_users WHERE id = $1', [id]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /** Changes a user's role and/or password; a new password ends the user's sessions. */
  async updateUser(id: number, change: { role?: Role | undefined; password?: string | undefined }): Promise<User | undefined> {
    // Sessions carry the user's role; forget them all so the change applies to the next request.
    this.cache.clear();
    if (change.role) await this.sql('UPDATE api_users SET role = $2 WHERE id = $1', [id, change.role]);
    if (change.password) {
      await this.sql('UPDATE api_users SET password_hash = $2 WHERE id = $1', [id, await hashPassword(change.password)]);
      await this.sql('DELETE FROM api_sessions WHERE user_id = $1', [id]);
    }
    return this.getUser(id);
  }

  /** Deletes a user (their sessions go with them). */
  async deleteUser(id: number): Promise<boolean> {
    this.cache.clear();
    const { rows } = await this.sql('DELETE FROM api_users WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  /** Number of admins, so the last one cannot be demoted or deleted. */
  async adminCount(): Promise<number> {
    const { rows } = await this.sql("SELECT count(*) AS n FROM api_users WHERE role = 'admin'");
    return Number(rows[0]?.['n']);
  }

  /** The user when the password is right; always spends one scrypt so unknown names take as long. */
  async checkPassword(username: string, password: string): Promise<User | undefined> {
    const { rows } = await this.sql('SELECT id, username, role, created_at_ms, password_hash FROM api_users WHERE username = $1', [username]);
    const row = rows[0];
    const ok = await verifyPassword(password, row ? String(row['password_hash']) : DUMMY_PASSWORD_HASH);
    return ok && row ? toUser(row) : undefined;
  }

  /** Starts a session; returns the secret id for the cookie. */
  async createSession(userId: number): Promise<{ sessionId: string; expiresAtMs: number }> {
    const sessionId = randomToken();
    const now = this.clock.now();
    const expiresAtMs = now + this.sessionTtlMs;
    await this.sql('DELETE FROM api_sessions WHERE expires_at_ms <= $1', [now]);
    await this.sql('INSERT INTO api_sessions (id_hash, user_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)', [hashToken(sessionId), userId, now, expiresAtMs]);
    return { sessionId, expiresAtMs };
  }

  private cached<T extends User | ApiKey>(hash: string): { value: T | undefined } | undefined {
    const hit = this.cache.get(hash);
    if (!hit) return undefined;
    if (hit.untilMs <= this.clock.now()) {
      this.cache.delete(hash);
      return undefined;
    }
    return { value: hit.value as T | undefined };
  }

  private remember(hash: string, value: User | ApiKey | undefined, untilMs: number): void {
    // Oldest first out: a Map iterates in insertion order.
    if (this.cache.size >= AUTH_CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(hash, { value, untilMs });
  }

  /** The user of a live session. */
  async sessionUser(sessionId: string): Promise<User | undefined> {
    const hash = hashToken(sessionId);
    const hit = this.cached<User>(hash);
    if (hit) return hit.value;
    const user = await this.lookupSession(hash);
    this.remember(hash, user, this.clock.now() + AUTH_CACHE_TTL_MS);
    return user;
  }

  private async lookupSession(hash: string): Promise<User | undefined> {
    const { rows } = await this.sql(
      `SELECT u.id, u.username, u.role, u.created_at_ms FROM api_sessions s JOIN api_users u ON u.id = s.user_id
       WHERE s.id_hash = $1 AND s.expires_at_ms > $2`,
      [hash, this.clock.now()],
    );
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /** Ends a session. */
  async deleteSession(sessionId: string): Promise<void> {
    this.cache.delete(hashToken(sessionId));
    await this.sql('DELETE FROM api_sessions WHERE id_hash = $1', [hashToken(sessionId)]);
  }

  /** Creates an API key; the secret is returned here and never again. */
  async createKey(name: string, role: Role, createdBy: number | undefined): Promise<{ key: ApiKey; secret: string }> {
    const secret = newApiKey();
    const { rows } = await this.sql(
      `INSERT INTO api_keys (name, prefix, secret_hash, role, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)
       RETURNING id, name, prefix, role, created_at_ms, last_used_ms, revoked_at_ms`,
      [name, secret.slice(0, 8), hashToken(secret), role, createdBy ?? null, this.clock.now()],
    );
    return { key: toKey(rows[0]!), secret };
  }

  /** Every key, revoked ones included. */
  async listKeys(): Promise<ApiKey[]> {
    const { rows } = await this.sql('SELECT id, name, prefix, role, created_at_ms, last_used_ms, revoked_at_ms FROM api_keys ORDER BY id');
    return rows.map(toKey);
  }

  /** Revokes a key; false when there is no such live key. */
  async revokeKey(id: number): Promise<boolean> {
    this.cache.clear();
    const { rows } = await this.sql('UPDATE api_keys SET revoked_at_ms = $2 WHERE id = $1 AND revoked_at_ms IS NULL RETURNING id', [id, this.clock.now()]);
    return rows.length > 0;
  }

  /** The live key with this secret, recording its use. */
  async useKey(secret: string): Promise<ApiKey | undefined> {
    const hash = hashToken(secret);
    let key: ApiKey | undefined;
    const hit = this.cached<ApiKey>(hash);
    if (hit) key = hit.value;
    else {
      const { rows } = await this.sql(
        'SELECT id, name, prefix, role, created_at_ms, last_used_ms, revoked_at_ms FROM api_keys WHERE secret_hash = $1 AND revoked_at_ms IS NULL',
        [hash],
      );
      key = rows[0] ? toKey(rows[0]) : undefined;
      this.remember(hash, key, this.clock.now() + AUTH_CACHE_TTL_MS);
    }
    if (!key) return undefined;
    const now = this.clock.now();
    const written = this.lastUsedWritten.get(key.id);
    if (written === undefined || now - written >= LAST_USED_RESOLUTION_MS) {
      this.lastUsedWritten.set(key.id, now);
      await this.sql('UPDATE api_keys SET last_used_ms = $2 WHERE id = $1', [key.id, now]);
      return { ...key, lastUsedMs: now };
    }
    return key;
  }
}
