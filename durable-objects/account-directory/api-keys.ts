import { and, desc, eq, isNull } from "drizzle-orm";
import { newId } from "../../core/ids";
import type { ApiKey, CredentialCapability, Identity, Result, ToolkitRef } from "../../schemas";
import { fail, ok } from "../../schemas";
import { apiKeys } from "./tables";
import type { Db } from "./users";
import { identity } from "./users";

/** lastUsedAt is written at most this often, so a busy key does not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;
/** How many keys deep a key-minted-by-a-key chain may go (each link is checked on every use). */
export const MAX_KEY_DEPTH = 4;

/** A stored key row; the CredentialShard's `api_keys` has the same columns. */
export type KeyRow = typeof apiKeys.$inferSelect;

export function keyFromRow(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    orgId: row.orgId,
    userId: row.userId,
    toolkit: row.toolkit as ToolkitRef | null,
    capabilities: row.capabilities as CredentialCapability[],
    expiresAt: row.expiresAt,
    parentKeyId: row.parentKeyId,
    allowedOrigins: row.allowedOrigins,
    rateLimitPerMinute: row.rateLimitPerMinute,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export type NewApiKey = {
  keyHash: string;
  prefix: string;
  name: string;
  orgId: string;
  userId: string;
  toolkit: string | null;
  capabilities: CredentialCapability[];
  expiresAt: number | null;
  parentKeyId: string | null;
  allowedOrigins: string[];
  rateLimitPerMinute: number | null;
};

/** Why a stored key does not authenticate now, or null when it does. */
export function unusable(row: KeyRow, now: number): string | null {
  if (row.revokedAt !== null) return "revoked";
  if (row.expiresAt !== null && row.expiresAt <= now) return "expired";
  return null;
}

/**
 * The key and each key above it that minted it, nearest first (bounded by MAX_KEY_DEPTH), read
 * through `byId` from the one store that holds the whole lineage; null if a link is missing.
 */
export function lineageOf(row: KeyRow, byId: (id: string) => KeyRow | undefined): KeyRow[] | null {
  const chain = [row];
  let current = row;
  while (current.parentKeyId !== null) {
    if (chain.length > MAX_KEY_DEPTH) return null;
    const parent = byId(current.parentKeyId);
    if (!parent) return null;
    chain.push(parent);
    current = parent;
  }
  return chain;
}

function lineage(db: Db, row: KeyRow): KeyRow[] | null {
  return lineageOf(row, (id) => db.select().from(apiKeys).where(eq(apiKeys.id, id)).get());
}

/**
 * Stores a key. A key minted by another key (`parentKeyId`) must belong to the same user and org,
 * and the parent must be usable now and shallow enough; what it may be granted is decided by the
 * gateway (accounts/keys.ts), which knows the minting credential.
 */
export function createApiKey(db: Db, input: NewApiKey, now: number): Result<ApiKey> {
  const who = identity(db, input.userId, input.orgId);
  if (!who.ok) return who;
  if (input.parentKeyId !== null) {
    const parent = db.select().from(apiKeys).where(eq(apiKeys.id, input.parentKeyId)).get();
    const chain = parent ? lineage(db, parent) : null;
    if (!parent || !chain || parent.userId !== input.userId || parent.orgId !== input.orgId || chain.some((k) => unusable(k, now))) {
      return fail("forbidden", "the minting key is not usable");
    }
    if (chain.length >= MAX_KEY_DEPTH) return fail("forbidden", `keys can be minted by keys at most ${MAX_KEY_DEPTH} deep`);
  }
  const row: KeyRow = { id: newId("key"), ...input, createdAt: now, lastUsedAt: null, revokedAt: null };
  db.insert(apiKeys).values(row).run();
  return ok(keyFromRow(row));
}

/** The keys a user holds in one org, newest first. */
export function listApiKeys(db: Db, orgId: string, userId: string): ApiKey[] {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.userId, userId)))
    .orderBy(desc(apiKeys.createdAt))
    .all()
    .map(keyFromRow);
}

/** Revokes a key the caller owns in this org; any other key is simply not found (no cross-org hint). */
export function revokeApiKey(db: Db, orgId: string, userId: string, keyId: string, now: number): Result<ApiKey> {
  const row = db
    .update(apiKeys)
    .set({ revokedAt: now })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.orgId, orgId), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning()
    .get();
  return row ? ok(keyFromRow(row)) : fail("not_found", `no active API key '${keyId}'`);
}

/**
 * Resolves a presented key (by hash) to its identity now. Revoked or expired keys fail, and so does
 * a key any of whose ancestors is revoked or expired: a minted key never outlives its parent.
 */
export function resolveApiKey(db: Db, keyHash: string, now: number): Result<{ key: ApiKey; identity: Identity }> {
  const row = db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get();
  const chain = row ? lineage(db, row) : null;
  if (!row || !chain || chain.some((k) => unusable(k, now))) return fail("not_found", "unknown, revoked or expired API key");
  const who = identity(db, row.userId, row.orgId);
  if (!who.ok) return fail("not_found", "unknown, revoked or expired API key");
  if (row.lastUsedAt === null || now - row.lastUsedAt > LAST_USED_RESOLUTION_MS) {
    db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id)).run();
  }
  return ok({ key: keyFromRow(row), identity: who.value });
}
