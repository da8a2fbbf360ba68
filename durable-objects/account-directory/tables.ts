import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// The account directory: users, orgs, memberships, invitations, sessions and API keys.
// See storage-schema.md beside this file; migrations live in migrations/account-directory/.

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Lowercased, trimmed. */
    email: text("email").notNull(),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`; never leaves the gateway's auth code. */
    passwordHash: text("password_hash").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("users_email").on(t.email)],
);

export const orgs = sqliteTable("orgs", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const memberships = sqliteTable(
  "memberships",
  {
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    role: text("role").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index("memberships_user").on(t.userId)],
);

export const invites = sqliteTable(
  "invites",
  {
    orgId: text("org_id").notNull(),
    email: text("email").notNull(),
    role: text("role").notNull(),
    invitedBy: text("invited_by").notNull(),
    createdAt: integer("created_at").notNull(),
    /**
     * SHA-256 of the single-use invitation token mailed to the invitee: holding it proves control of
     * the address. Null for invitations made before links existed (they can only be re-sent).
     */
    tokenHash: text("token_hash"),
    expiresAt: integer("expires_at"),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.email] }),
    index("invites_email").on(t.email),
    uniqueIndex("invites_token").on(t.tokenHash),
  ],
);

/**
 * Sign-ups waiting for their email to be verified. The account exists only once the mailed link is
 * used, so an unverified address never owns anything and sign-up never says whether one exists.
 */
export const signups = sqliteTable(
  "signups",
  {
    /** SHA-256 of the single-use verification token mailed to the address. */
    tokenHash: text("token_hash").primaryKey(),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    orgName: text("org_name").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [index("signups_email").on(t.email)],
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
    /** The key that minted this one, if a key did: a key dies with its parent (never outlives it). */
    parentKeyId: text("parent_key_id"),
    /** Browser origins this key may be used from (CORS), as well as its toolkit allows; empty = none. */
    allowedOrigins: text("allowed_origins", { mode: "json" }).notNull().default(sql`'[]'`).$type<string[]>(),
    /** Requests per minute this key may make on toolkit routes (null = only the toolkit's limit). */
    rateLimitPerMinute: integer("rate_limit_per_minute"),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash").on(t.keyHash), index("api_keys_org").on(t.orgId)],
);
