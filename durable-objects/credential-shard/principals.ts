import { and, eq, isNull } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import type { Identity, Result } from "../../schemas";
import { fail, ok } from "../../schemas";
import { apiKeys, principals, sessions } from "./tables";

export type Db = DrizzleSqliteDODatabase<Record<string, never>>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Records what credentials of (user, org) authenticate as: the directory's answer at issue time. */
export function upsertPrincipal(tx: Tx, identity: Identity, now: number): void {
  const row = { userId: identity.user.id, orgId: identity.org.id, identity, updatedAt: now };
  tx.insert(principals)
    .values(row)
    .onConflictDoUpdate({ target: [principals.userId, principals.orgId], set: { identity, updatedAt: now } })
    .run();
}

/** The identity a credential of (user, org) authenticates as, or not_found once it was dropped. */
export function principalIdentity(db: Db | Tx, userId: string, orgId: string): Result<Identity> {
  const row = db.select({ identity: principals.identity }).from(principals).where(and(eq(principals.userId, userId), eq(principals.orgId, orgId))).get();
  return row ? ok(row.identity) : fail("not_found", "no such membership");
}

/**
 * Ends every credential of (user, org) here in one transaction: the principal row goes (so no
 * lookup of theirs answers), their sessions are deleted and their keys revoked (so a later
 * membership in the same org never brings them back). What a membership change (removal, a role
 * change) must call before the directory's own write; nothing in the directory edits memberships yet.
 */
export function dropPrincipal(db: Db, userId: string, orgId: string, now: number): Result<{ sessions: number; keys: number }> {
  return ok(
    db.transaction((tx) => {
      tx.delete(principals).where(and(eq(principals.userId, userId), eq(principals.orgId, orgId))).run();
      const ended = tx.delete(sessions).where(and(eq(sessions.userId, userId), eq(sessions.orgId, orgId))).returning({ id: sessions.id }).all();
      const revoked = tx
        .update(apiKeys)
        .set({ revokedAt: now })
        .where(and(eq(apiKeys.userId, userId), eq(apiKeys.orgId, orgId), isNull(apiKeys.revokedAt)))
        .returning({ id: apiKeys.id })
        .all();
      return { sessions: ended.length, keys: revoked.length };
    }),
  );
}
