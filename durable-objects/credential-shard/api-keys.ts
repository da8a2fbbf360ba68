import { and, desc, eq, isNull } from "drizzle-orm";
import { newId } from "../../core/ids";
import type { ApiKey, Identity, Result } from "../../schemas";
import { fail, ok } from "../../schemas";
import type { KeyRow, NewApiKey } from "../account-directory/api-keys";
import { MAX_KEY_DEPTH, keyFromRow, lineageOf, unusable } from "../account-directory/api-keys";
import type { Db, Tx } from "./principals";
import { principalIdentity, upsertPrincipal } from "./principals";
import { apiKeys } from "./tables";

/** lastUsedAt is written at most this often, so a busy key does not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** A key to store: as the directory's, with the identity the directory answered for its owner. */
export type NewShardKey = Omit<NewApiKey, "orgId" | "userId"> & { identity: Identity };

function lineage(db: Db | Tx, row: KeyRow): KeyRow[] | null {
  return lineageOf(row, (id) => db.select().from(apiKeys).where(eq(apiKeys.id, id)).get());
}

/**
 * Stores a key and its owner's identity in one transaction: either both are written or neither.
 * A key minted by a key lives here too (same user, so same shard): the parent must belong to the
 * same user and org and be usable now, so a key never outlives the key that minted it.
 */
export function createApiKey(db: Db, input: NewShardKey, now: number): Result<ApiKey> {
  const { identity, ...fields } = input;
  const owner = { userId: identity.user.id, orgId: identity.org.id };
  return db.transaction((tx): Result<ApiKey> => {
    if (fields.parentKeyId !== null) {
      const parent = tx.select().from(apiKeys).where(eq(apiKeys.id, fields.parentKeyId)).get();
      const chain = parent ? lineage(tx, parent) : null;
      if (!parent || !chain || parent.userId !== owner.userId || parent.orgId !== owner.orgId || chain.some((k) => unusable(k, now))) {
        return fail("forbidden", "the minting key is not usable");
      }
      if (chain.length >= MAX_KEY_DEPTH) return fail("forbidden", `keys can be minted by keys at most ${MAX_KEY_DEPTH} deep`);
    }
    const row: KeyRow = { id: newId("key"), ...fields, ...owner, createdAt: now, lastUsedAt: null, revokedAt: null };
    upsertPrincipal(tx, identity, now);
    tx.insert(apiKeys).values(row).run();
    return ok(keyFromRow(row));
  });
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

/**
 * Revokes a key the caller owns in this org, in one write; the keys it minted stop with it (their
 * lineage is read on every use, in this same object). Any other key is simply not found.
 */
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
 * Resolves a presented key (by hash) to its identity now, from this object alone. Revoked or
 * expired keys fail, and so does a key any of whose ancestors is revoked or expired, or whose
 * principal was dropped.
 */
export function resolveApiKey(db: Db, keyHash: string, now: number): Result<{ key: ApiKey; identity: Identity }> {
  const row = db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get();
  const chain = row ? lineage(db, row) : null;
  if (!row || !chain || chain.some((k) => unusable(k, now))) return fail("not_found", "unknown, revoked or expired API key");
  const who = principalIdentity(db, row.userId, row.orgId);
  if (!who.ok) return fail("not_found", "unknown, revoked or expired API key");
  if (row.lastUsedAt === null || now - row.lastUsedAt > LAST_USED_RESOLUTION_MS) {
    db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id)).run();
  }
  return ok({ key: keyFromRow(row), identity: who.value });
}
