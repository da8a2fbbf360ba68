import { and, asc, eq, sql } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { newId } from "../../core/ids";
import type { Identity, Org, OrgRole, Result, User } from "../../schemas";
import { fail, ok } from "../../schemas";
import { invites, memberships, orgs, users } from "./tables";

export type Db = DrizzleSqliteDODatabase<Record<string, never>>;

export function userFromRow(row: typeof users.$inferSelect): User {
  return { id: row.id, email: row.email, createdAt: row.createdAt };
}

/** Turns every pending invitation for this email into a membership (one transaction). */
function acceptInvites(tx: Pick<Db, "select" | "insert" | "delete">, user: { id: string; email: string }, now: number): void {
  const pending = tx.select().from(invites).where(eq(invites.email, user.email)).all();
  for (const invite of pending) {
    tx.insert(memberships)
      .values({ orgId: invite.orgId, userId: user.id, role: invite.role, createdAt: now })
      .onConflictDoNothing()
      .run();
  }
  tx.delete(invites).where(eq(invites.email, user.email)).run();
}

/** Creates the user and their own org (they own it), and accepts pending invitations. */
export function signUp(
  db: Db,
  input: { email: string; passwordHash: string; orgName: string },
  now: number,
): Result<{ user: User; org: Org }> {
  if (db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get()) {
    return fail("conflict", "an account with this email already exists");
  }
  const user = { id: newId("user"), email: input.email, passwordHash: input.passwordHash, createdAt: now };
  const org = { id: newId("org"), name: input.orgName, createdAt: now };
  db.transaction((tx) => {
    tx.insert(users).values(user).run();
    tx.insert(orgs).values(org).run();
    tx.insert(memberships).values({ orgId: org.id, userId: user.id, role: "owner", createdAt: now }).run();
    acceptInvites(tx, user, now);
  });
  return ok({ user: userFromRow(user), org });
}

/** The stored password hash for an email, for the gateway to verify. */
export function loginRecord(db: Db, email: string): Result<{ userId: string; passwordHash: string }> {
  const row = db.select().from(users).where(eq(users.email, email)).get();
  return row ? ok({ userId: row.id, passwordHash: row.passwordHash }) : fail("not_found", "no such account");
}

/**
 * After a verified log-in: accept pending invitations and return the identity to sign in as: the
 * first org the user owns (their own), else the first they joined. Switching is explicit (switchOrg).
 */
export function completeLogin(db: Db, userId: string, now: number): Result<Identity> {
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) return fail("not_found", "no such account");
  db.transaction((tx) => acceptInvites(tx, user, now));
  const first = db
    .select({ orgId: memberships.orgId })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .orderBy(sql`${memberships.role} = 'owner' DESC`, asc(memberships.createdAt), asc(memberships.orgId))
    .get();
  if (!first) return fail("not_found", "this account belongs to no organization");
  return identity(db, userId, first.orgId);
}

/** The user, the org and the user's role in it; not_found unless the user is a member now. */
export function identity(db: Db, userId: string, orgId: string): Result<Identity> {
  const row = db
    .select({ user: users, org: orgs, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(orgs, eq(orgs.id, memberships.orgId))
    .where(and(eq(memberships.userId, userId), eq(memberships.orgId, orgId)))
    .get();
  if (!row) return fail("not_found", "no such membership");
  return ok({ user: userFromRow(row.user), org: row.org, role: row.role as OrgRole });
}

export function orgsOf(db: Db, userId: string): Array<Org & { role: OrgRole }> {
  return db
    .select({ org: orgs, role: memberships.role })
    .from(memberships)
    .innerJoin(orgs, eq(orgs.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt))
    .all()
    .map((r) => ({ ...r.org, role: r.role as OrgRole }));
}
