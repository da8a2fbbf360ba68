import { and, eq } from "drizzle-orm";
import type { Identity, Invitation, Member, Org, OrgRole, Result, User } from "../../schemas";
import { fail, ok } from "../../schemas";
import { invites, memberships, orgs, users } from "./tables";
import type { Db } from "./users";
import { createVerifiedUser, identity, userByEmail } from "./users";

const INVALID = "this invitation link is invalid or has expired; ask for a new one";

/**
 * An owner invites a person by email. Nobody joins by being named: the invitation becomes a
 * membership only when the single-use token mailed to that address comes back (acceptInvitation or
 * signUpFromInvitation), which proves the person controls it. Inviting again replaces the token.
 */
export function inviteMember(
  db: Db,
  input: { orgId: string; byUserId: string; email: string; role: OrgRole; tokenHash: string; ttlMs: number },
  now: number,
): Result<Member & { orgName: string; invitedBy: string }> {
  const by = identity(db, input.byUserId, input.orgId);
  if (!by.ok) return fail("not_found", "no such organization");
  if (by.value.role !== "owner") return fail("forbidden", "only an owner of the organization can invite members");
  const existing = db
    .select({ userId: users.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, input.orgId), eq(users.email, input.email)))
    .get();
  if (existing) return fail("conflict", `${input.email} is already a member`);
  const expiresAt = now + input.ttlMs;
  const values = { role: input.role, invitedBy: input.byUserId, createdAt: now, tokenHash: input.tokenHash, expiresAt };
  db.insert(invites)
    .values({ orgId: input.orgId, email: input.email, ...values })
    .onConflictDoUpdate({ target: [invites.orgId, invites.email], set: values })
    .run();
  return ok({
    email: input.email,
    role: input.role,
    status: "invited",
    userId: null,
    expiresAt,
    orgName: by.value.org.name,
    invitedBy: by.value.user.email,
  });
}

type InviteRow = typeof invites.$inferSelect;

function liveInvite(db: Db, tokenHash: string, now: number): InviteRow | null {
  const row = db.select().from(invites).where(eq(invites.tokenHash, tokenHash)).get();
  return row && row.expiresAt !== null && row.expiresAt > now ? row : null;
}

/** What an invitation link offers, for the page its holder opens. */
export function invitation(db: Db, tokenHash: string, now: number): Result<Invitation> {
  const row = liveInvite(db, tokenHash, now);
  if (!row || row.expiresAt === null) return fail("not_found", INVALID);
  const org = db.select().from(orgs).where(eq(orgs.id, row.orgId)).get();
  const by = db.select({ email: users.email }).from(users).where(eq(users.id, row.invitedBy)).get();
  if (!org) return fail("not_found", INVALID);
  return ok({ orgId: row.orgId, orgName: org.name, email: row.email, role: row.role as OrgRole, invitedBy: by?.email ?? "an owner", expiresAt: row.expiresAt });
}

/**
 * A signed-in person accepts with the mailed token. The account's email must be the invited
 * address (a link forwarded to someone else does not let them join), and the token works once.
 */
export function acceptInvitation(db: Db, tokenHash: string, userId: string, now: number): Result<Identity> {
  const row = liveInvite(db, tokenHash, now);
  if (!row) return fail("not_found", INVALID);
  const user = db.select().from(users).where(eq(users.id, userId)).get();
  if (!user) return fail("not_found", "no such account");
  if (user.email !== row.email) {
    return fail("forbidden", `this invitation is for ${row.email}; sign in with that address to accept it`);
  }
  db.transaction((tx) => {
    tx.insert(memberships).values({ orgId: row.orgId, userId, role: row.role, createdAt: now }).onConflictDoNothing().run();
    tx.delete(invites).where(and(eq(invites.orgId, row.orgId), eq(invites.email, row.email))).run();
  });
  return identity(db, userId, row.orgId);
}

/**
 * A person without an account signs up from the invitation link: the token proves the address,
 * so the account is created verified, with its own org, and joins the inviting org in the same
 * transaction. Answers the membership in the inviting org.
 */
export function signUpFromInvitation(
  db: Db,
  input: { tokenHash: string; passwordHash: string; orgName: string },
  now: number,
): Result<{ user: User; org: Org; joined: Identity }> {
  const row = liveInvite(db, input.tokenHash, now);
  if (!row) return fail("not_found", INVALID);
  if (userByEmail(db, row.email)) return fail("conflict", "an account with this email already exists; log in to accept the invitation");
  const created = db.transaction((tx) => {
    const made = createVerifiedUser(tx, { email: row.email, passwordHash: input.passwordHash, orgName: input.orgName }, now);
    tx.insert(memberships).values({ orgId: row.orgId, userId: made.user.id, role: row.role, createdAt: now }).run();
    tx.delete(invites).where(and(eq(invites.orgId, row.orgId), eq(invites.email, row.email))).run();
    return made;
  });
  const joined = identity(db, created.user.id, row.orgId);
  return joined.ok ? ok({ ...created, joined: joined.value }) : joined;
}

export function listMembers(db: Db, orgId: string): Member[] {
  const active = db
    .select({ email: users.email, role: memberships.role, userId: users.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .all()
    .map((m): Member => ({ email: m.email, role: m.role as OrgRole, status: "active", userId: m.userId, expiresAt: null }));
  const invited = db
    .select()
    .from(invites)
    .where(eq(invites.orgId, orgId))
    .all()
    .map((i): Member => ({ email: i.email, role: i.role as OrgRole, status: "invited", userId: null, expiresAt: i.expiresAt }));
  return [...active, ...invited].sort((a, b) => a.email.localeCompare(b.email));
}
