/** Zod schemas shared by several v1 routes. */
import { z } from 'zod';
import { ROLES } from '../auth/roles.js';

/** A role name. */
export const RoleSchema = z.enum(ROLES);

/** `:id` of a numeric resource. */
export const IdParams = z.strictObject({ id: z.coerce.number().int().positive() });

/** A `:name` path parameter. */
export const NameParams = z.strictObject({ name: z.string().min(1).max(200) });

/** A label set. */
export const LabelsSchema = z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'invalid label name'), z.string());

/** Milliseconds since the epoch, in a query string. */
export const MsParam = z.coerce.number().int().nonnegative();

/** A user as returned. */
export const UserSchema = z.object({ id: z.number(), username: z.string(), role: RoleSchema, createdAtMs: z.number() });

/** An API key as returned. */
export const KeySchema = z.object({
  id: z.number(), name: z.string(), prefix: z.string(), role: RoleSchema, createdAtMs: z.number(),
  lastUsedMs: z.number().nullable(), revokedAtMs: z.number().nullable(),
});

/** A password: long enough to resist guessing once the hash leaks. */
export const PasswordSchema = z.string().min(10, 'must be at least 10 characters').max(1024);

/** A username. */
export const UsernameSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.@-]+$/, 'letters, digits and _ . @ - only');
