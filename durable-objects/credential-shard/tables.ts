import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Identity } from "../../schemas";

// One credential shard: the sessions and API keys of the users whose id hashes to it, and what a
// lookup answers about them. See storage-schema.md beside this file; migrations live in
// migrations/credential-shard/.

/**
 * The identity a credential of (user, org) authenticates as, copied from the AccountDirectory when
 * the credential is issued (the directory's answer, never the caller's claim), so a lookup needs no
 * second object. Memberships are never edited in place; a change to one must go through
 * `dropPrincipal` here (storage-schema.md).
 */
export const principals = sqliteTable(
  "principals",
  {
    userId: text("user_id").notNull(),
    orgId: text("org_id").notNull(),
    identity: text("identity", { mode: "json" }).notNull().$type<Identity>(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.orgId] })],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie value; the value itself is never stored. */
    tokenHash: text("token_hash").primaryKey(),
    id: text("id").notNull(),
    userId: text("user_id").notNull(),
    orgId: text("org_id").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    /** SHA-256 of the key; the key itself is shown once at creation and never stored. */
    keyHash: text("key_hash").notNull(),
    /** The first characters of the key, to recognise it in a list. */
    prefix: text("prefix").notNull(),
    name: text("name").notNull(),
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    /** Optional narrowing: a toolkit as `<scope>/<slug>`. */
    toolkit: text("toolkit"),
    /** What the key may do beyond search, describe and call (schemas/account.ts CredentialCapability). */
    capabilities: text("capabilities", { mode: "json" }).notNull().default(sql`'[]'`).$type<string[]>(),
    /** After this the key no longer authenticates; null = until revoked. */
    expiresAt: integer("expires_at"),
    /** The key that minted this one, if a key did; always in this shard (same user), and a key dies with it. */
    parentKeyId: text("parent_key_id"),
    /** Browser origins this key may be used from (CORS), as well as its toolkit allows; empty = none. */
    allowedOrigins: text("allowed_origins", { mode: "json" }).notNull().default(sql`'[]'`).$type<string[]>(),
    /** Requests per minute this key may make on toolkit routes (null = only the toolkit's limit). */
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash").on(t.keyHash), index("api_keys_owner").on(t.userId, t.orgId)],
);
