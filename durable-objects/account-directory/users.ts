import { and, asc, eq, lt, sql } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { newId } from "../../core/ids";
import type { Identity, Org, OrgRole, Result, User } from "../../schemas";
import { fail, ok } from "../../schemas";
import { memberships, orgs, signups, users } from "./tables";

export type Db = DrizzleSqliteDODatabase<Record<string, never>>;
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export function userFromRow(row: typeof users.$inferSelect): User {
  return { id: row.id, email: row.email, createdAt: row.createdAt };
}

export function userByEmail(db: Db | Tx, email: string): typeof users.$inferSelect | undefined {
  return db.select().from(users).where(eq(users.email, email)).get();
}

/** Creates a user whose email was just proven, with their own org (they own it). Inside a transaction. */
export function createVerifiedUser(
  tx: Tx,
  input: { email: string; passwordHash: string; orgName: string },
  now: number,
): { user: User; org: Org } {
  const user = { id: newId("user"), email: input.email, passwordHash: input.passwordHash, createdAt: now };
  const org = { id: newId("org"), name: input.orgName, createdAt: now };
  tx.insert(users).values(user).run();
  tx.insert(orgs).values(org).run();
  tx.insert(memberships).values({ orgId: org.id, userId: user.id, role: "owner", createdAt: now }).run();
  return { user: userFromRow(user), org };
}

/**
 * First step of sign-up: remember the request under the hash of a token that is mailed to the
 * address. Nothing is created until the link is used, so an address never owns anything unproven.
 * Answers `existing: true` (storing nothing) when the address already has an account, so the
 * gateway can mail that person instead; its answer to the caller is the same either way.
 */
export function startSignUp(
  db: Db,
  input: { email: string; passwordHash: string; orgName: string; tokenHash: string; ttlMs: number },
  now: number,
): Result<{ existing: boolean }> {
  if (userByEmail(db, input.email)) return ok({ existing: true });
  db.transaction((tx) => {
    tx.delete(signups).where(lt(signups.expiresAt, now)).run();
    tx.insert(signups)
      .values({ tokenHash: input.tokenHash, email: input.email, passwordHash: input.passwordHash, orgName: input.orgName, createdAt: now, expiresAt: now + input.ttlMs })
      .run();
  });
  return ok({ existing: false });
}

/**
 * Second step: the mailed token came back, which proves control of the address. Creates the user
 * and their org in one transaction and drops every pending sign-up of that address. Single use.
 */
export function completeSignUp(db: Db, tokenHash: string, now: number): Result<{ user: User; org: Org }> {
  const pending = db.select().from(signups).where(eq(signups.tokenHash, tokenHash)).get();
  if (!pending || pending.expiresAt <= now) return fail("not_found", "this link is invalid or has expired; sign up again");
  if (userByEmail(db, pending.email)) {
    db.delete(signups).where(eq(signups.email, pending.email)).run();
    return fail("conflict", "an account with this email already exists; log in instead");
  }
  return ok(
    db.transaction((tx) => {
      const created = createVerifiedUser(tx, pending, now);
      tx.delete(signups).where(eq(signups.email, pending.email)).run();
      return created;
    }),
  );
}

/** The stored password hash for an email, for the gateway to verify. */
export function loginRecord(db: Db, email: string): Result<{ userId: string; passwordHash: string }> {
  const row = userByEmail(db, email);
  return row ? ok({ userId: row.id, passwordHash: row.passwordHash }) : fail("not_found", "no such account");
}

/**
 * After a verified log-in: the identity to sign in as: the first org the user owns (their own),
 * else the first they joined. Switching is explicit (switchOrg). Invitations are never accepted
 * here: only by their mailed link (members.ts).
 */
export function completeLogin(db: Db, userId: string): Result<Identity> {
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
export function identity(db: Db | Tx, userId: string, orgId: string): Result<Identity> {
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
