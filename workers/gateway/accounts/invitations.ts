import { accountDirectory } from "../../../durable-objects/account-directory/client";
import type { Identity, Invitation, InvitationSignUpInput, Member, MemberInput } from "../../../schemas";
import { randomToken, tokenHash } from "../../shared/crypto";
import { hashPassword } from "../auth/password";
import type { AuthContext } from "../auth/principal";
import { requireCapability } from "../../shared/capabilities";
import type { Env } from "../env";
import { invitationMessage } from "../mail/messages";
import { sendMail } from "../mail/outbox";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";
import type { SignedIn } from "./service";
import { defaultOrgName, openSession, publicOrigin } from "./service";

/** How long an invitation link works. */
export const INVITE_TTL_MS = 7 * 86_400_000;

/**
 * An owner invites a person: a single-use link is mailed to the address, and only that link makes
 * them a member (nobody joins by signing up with a matching email). Administration: a toolkit-bound
 * credential, or one without the `administer` capability, cannot invite.
 */
export async function inviteMember(env: Env, auth: AuthContext, input: MemberInput): Promise<Member> {
  requireCapability(auth, "administer", "invite members");
  const token = randomToken("inv");
  const { org, user } = auth.identity;
  const invited = unwrap(
    await accountDirectory(env.ACCOUNT_DIRECTORY).inviteMember({
      orgId: org.id,
      byUserId: user.id,
      email: input.email,
      role: input.role,
      tokenHash: await tokenHash(token),
      ttlMs: INVITE_TTL_MS,
    }),
  );
  await sendMail(env, invitationMessage(input.email, invited, `${publicOrigin(env)}/invitations/${token}`, INVITE_TTL_MS / 86_400_000));
  const { orgName: _o, invitedBy: _b, ...member } = invited;
  return member;
}

/** What the link offers (404 for an unknown, used or expired link, all alike). */
export async function invitationFor(env: Env, token: string): Promise<Invitation> {
  return unwrap(await accountDirectory(env.ACCOUNT_DIRECTORY).invitation(await tokenHash(token)));
}

/** A signed-in person accepts: their account's email must be the invited address. */
export async function acceptInvitation(env: Env, auth: AuthContext, token: string): Promise<Identity> {
  if (auth.principal.kind !== "session") {
    throw new HttpError(403, "forbidden", "accepting an invitation needs a person's sign-in (a session), not a key or token");
  }
  return unwrap(await accountDirectory(env.ACCOUNT_DIRECTORY).acceptInvitation(await tokenHash(token), auth.identity.user.id));
}

/** A person without an account creates one from the link (the token proves the address) and joins. */
export async function signUpFromInvitation(env: Env, input: InvitationSignUpInput): Promise<SignedIn> {
  const hash = await tokenHash(input.token);
  const directory = accountDirectory(env.ACCOUNT_DIRECTORY);
  const offer = unwrap(await directory.invitation(hash));
  const created = unwrap(
    await directory.signUpFromInvitation({
      tokenHash: hash,
      passwordHash: await hashPassword(input.password),
      orgName: input.orgName ?? defaultOrgName(offer.email),
    }),
  );
  return openSession(env, created.joined);
}
