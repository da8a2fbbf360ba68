import { and, desc, eq, isNull } from "drizzle-orm";
import { newId } from "../../core/ids";
import type { ApiKey, Identity, Result, ToolkitRef } from "../../schemas";
import { fail, ok } from "../../schemas";
import { apiKeys } from "./tables";
import type { Db } from "./users";
import { identity } from "./users";

/** lastUsedAt is written at most this often, so a busy key does not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

function keyFromRow(row: typeof apiKeys.$inferSelect): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    orgId: row.orgId,
    userId: row.userId,
    toolkit: row.toolkit as ToolkitRef | null,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export function createApiKey(
  db: Db,
  input: { keyHash: string; prefix: string; name: string; orgId: string; userId: string; toolkit: string | null },
  now: number,
): Result<ApiKey> {
  const who = identity(db, input.userId, input.orgId);
  if (!who.ok) return who;
  const row = { id: newId("key"), ...input, createdAt: now, lastUsedAt: null, revokedAt: null };
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

/** Resolves a presented key (by hash) to its identity now; revoked keys and lapsed memberships fail. */
export function resolveApiKey(db: Db, keyHash: string, now: number): Result<{ key: ApiKey; identity: Identity }> {
  const row = db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get();
  if (!row || row.revokedAt !== null) return fail("not_found", "unknown or revoked API key");
  const who = identity(db, row.userId, row.orgId);
  if (!who.ok) return fail("not_found", "unknown or revoked API key");
  if (row.lastUsedAt === null || now - row.lastUsedAt > LAST_USED_RESOLUTION_MS) {
    db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id)).run();
  }
  return ok({ key: keyFromRow(row), identity: who.value });
}
