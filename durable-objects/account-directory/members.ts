import { and, eq } from "drizzle-orm";
import type { Member, OrgRole, Result } from "../../schemas";
import { fail, ok } from "../../schemas";
import { invites, memberships, users } from "./tables";
import type { Db } from "./users";
import { identity } from "./users";

/**
 * An owner adds a member by email. The person joins when they next sign up or sign in with that
 * email (so nobody is placed in an org without authenticating as the invited address).
 */
export function inviteMember(
  db: Db,
  input: { orgId: string; byUserId: string; email: string; role: OrgRole },
  now: number,
): Result<Member> {
  const by = identity(db, input.byUserId, input.orgId);
  if (!by.ok) return fail("not_found", "no such organization");
  if (by.value.role !== "owner") return fail("forbidden", "only an owner of the organization can add members");
  const existing = db
    .select({ userId: users.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, input.orgId), eq(users.email, input.email)))
    .get();
  if (existing) return fail("conflict", `${input.email} is already a member`);
  db.insert(invites)
    .values({ orgId: input.orgId, email: input.email, role: input.role, invitedBy: input.byUserId, createdAt: now })
    .onConflictDoUpdate({ target: [invites.orgId, invites.email], set: { role: input.role, invitedBy: input.byUserId } })
    .run();
  return ok({ email: input.email, role: input.role, status: "invited", userId: null });
}

export function listMembers(db: Db, orgId: string): Member[] {
  const active = db
    .select({ email: users.email, role: memberships.role, userId: users.id })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .all()
    .map((m): Member => ({ email: m.email, role: m.role as OrgRole, status: "active", userId: m.userId }));
  const invited = db
    .select()
    .from(invites)
    .where(eq(invites.orgId, orgId))
    .all()
    .map((i): Member => ({ email: i.email, role: i.role as OrgRole, status: "invited", userId: null }));
  return [...active, ...invited].sort((a, b) => a.email.localeCompare(b.email));
}
