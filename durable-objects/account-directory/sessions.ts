import { and, eq, lt } from "drizzle-orm";
import { newId } from "../../core/ids";
import type { Identity, Result } from "../../schemas";
import { fail, ok } from "../../schemas";
import type { Db } from "./users";
import { identity } from "./users";
import { sessions } from "./tables";

export type SessionView = { id: string; expiresAt: number; identity: Identity };

export function createSession(
  db: Db,
  input: { tokenHash: string; userId: string; orgId: string; ttlMs: number },
  now: number,
): Result<SessionView> {
  const who = identity(db, input.userId, input.orgId);
  if (!who.ok) return who;
  const row = { tokenHash: input.tokenHash, id: newId("sess"), userId: input.userId, orgId: input.orgId, createdAt: now, expiresAt: now + input.ttlMs };
  db.transaction((tx) => {
    // Expired sessions of this user are swept on each sign-in.
    tx.delete(sessions).where(and(eq(sessions.userId, input.userId), lt(sessions.expiresAt, now))).run();
    tx.insert(sessions).values(row).run();
  });
  return ok({ id: row.id, expiresAt: row.expiresAt, identity: who.value });
}

/** A live session with its identity now (membership re-checked); expired sessions are removed. */
export function readSession(db: Db, tokenHash: string, now: number): Result<SessionView> {
  const row = db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash)).get();
  if (!row) return fail("not_found", "no such session");
  if (row.expiresAt <= now) {
    db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
    return fail("not_found", "session expired");
  }
  const who = identity(db, row.userId, row.orgId);
  return who.ok ? ok({ id: row.id, expiresAt: row.expiresAt, identity: who.value }) : who;
}

export function deleteSession(db: Db, tokenHash: string): Result<{ deleted: boolean }> {
  const row = db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).returning({ id: sessions.id }).get();
  return ok({ deleted: row !== undefined });
}

/** Moves a session to another org the user belongs to (membership checked now). */
export function switchOrg(db: Db, tokenHash: string, orgId: string, now: number): Result<SessionView> {
  const current = readSession(db, tokenHash, now);
  if (!current.ok) return current;
  const who = identity(db, current.value.identity.user.id, orgId);
  if (!who.ok) return fail("not_found", "no such organization");
  db.update(sessions).set({ orgId }).where(eq(sessions.tokenHash, tokenHash)).run();
  return ok({ id: current.value.id, expiresAt: current.value.expiresAt, identity: who.value });
}
