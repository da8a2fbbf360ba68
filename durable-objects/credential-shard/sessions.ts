import { and, eq, lt } from "drizzle-orm";
import { newId } from "../../core/ids";
import type { Identity, Result } from "../../schemas";
import { fail, ok } from "../../schemas";
import type { SessionView } from "../account-directory/sessions";
import type { Db } from "./principals";
import { principalIdentity, upsertPrincipal } from "./principals";
import { sessions } from "./tables";

/** Opens a session and records its identity in one transaction; sweeps the user's expired sessions. */
export function createSession(db: Db, input: { tokenHash: string; identity: Identity; ttlMs: number }, now: number): Result<SessionView> {
  const { identity } = input;
  const row = { tokenHash: input.tokenHash, id: newId("sess"), userId: identity.user.id, orgId: identity.org.id, createdAt: now, expiresAt: now + input.ttlMs };
  db.transaction((tx) => {
    tx.delete(sessions).where(and(eq(sessions.userId, row.userId), lt(sessions.expiresAt, now))).run();
    upsertPrincipal(tx, identity, now);
    tx.insert(sessions).values(row).run();
  });
  return ok({ id: row.id, expiresAt: row.expiresAt, identity });
}

/** A live session with its identity, from this object alone; an expired one is removed and fails. */
export function readSession(db: Db, tokenHash: string, now: number): Result<SessionView> {
  const row = db.select().from(sessions).where(eq(sessions.tokenHash, tokenHash)).get();
  if (!row) return fail("not_found", "no such session");
  if (row.expiresAt <= now) {
    db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).run();
    return fail("not_found", "session expired");
  }
  const who = principalIdentity(db, row.userId, row.orgId);
  return who.ok ? ok({ id: row.id, expiresAt: row.expiresAt, identity: who.value }) : fail("not_found", "no such session");
}

export function deleteSession(db: Db, tokenHash: string): Result<{ deleted: boolean }> {
  const row = db.delete(sessions).where(eq(sessions.tokenHash, tokenHash)).returning({ id: sessions.id }).get();
  return ok({ deleted: row !== undefined });
}

/**
 * Moves a live session to another org of the same user. `identity` is the directory's answer for
 * that membership (checked by the caller just before); it is recorded with the move, in one transaction.
 */
export function switchOrg(db: Db, tokenHash: string, identity: Identity, now: number): Result<SessionView> {
  const current = readSession(db, tokenHash, now);
  if (!current.ok) return current;
  if (current.value.identity.user.id !== identity.user.id) return fail("forbidden", "a session can only move to another org of its own user");
  db.transaction((tx) => {
    upsertPrincipal(tx, identity, now);
    tx.update(sessions).set({ orgId: identity.org.id }).where(eq(sessions.tokenHash, tokenHash)).run();
  });
  return ok({ id: current.value.id, expiresAt: current.value.expiresAt, identity });
}
