import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { accountDirectory } from "../../../durable-objects/account-directory/client";
import { InvitationAcceptInput, InvitationSignUpInput, LogInInput, ScopeId, SignUpInput, VerifyInput } from "../../../schemas";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";
import { acceptInvitation, invitationFor, signUpFromInvitation } from "../accounts/invitations";
import type { SignedIn } from "../accounts/service";
import { logIn, logOut, signUp, verifySignUp } from "../accounts/service";
import { clearSessionCookie, csrfToken, readSessionCookie, setSessionCookie } from "../auth/cookies";
import { switchSessionOrg } from "../auth/credentials";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import type { AppEnv } from "../env";

const SwitchOrgBody = z.object({ orgId: ScopeId }).strict();

function signedIn(c: Context<AppEnv>, result: SignedIn, status: 200 | 201): Response {
  setSessionCookie(c, result.sessionToken);
  c.header("cache-control", "no-store");
  const { user, org, role } = result.identity;
  // The CSRF token lets a browser client send state-changing /v1 requests with its session cookie.
  return c.json({ user, org, role, csrfToken: csrfToken(c), sessionExpiresAt: result.expiresAt }, status);
}

/** Sign-up (with email verification), log-in, log-out and invitations as JSON (web/ uses the same services). */
export const v1Accounts = new Hono<AppEnv>()
  /**
   * 202 whatever the address: a link is mailed to it (or, if it already has an account, a note), so
   * the answer never tells whether an account exists.
   */
  .post("/v1/signup", async (c) => {
    const { email } = await signUp(c.env, c.req.raw.headers, await readJson(c, SignUpInput));
    c.header("cache-control", "no-store");
    return c.json({ status: "verification_sent", email, detail: `We sent a link to ${email}: open it to finish creating your account.` }, 202);
  })
  .post("/v1/signup/verify", async (c) => signedIn(c, await verifySignUp(c.env, (await readJson(c, VerifyInput)).token), 201))
  .post("/v1/login", async (c) => signedIn(c, await logIn(c.env, c.req.raw.headers, await readJson(c, LogInInput)), 200))
  .post("/v1/logout", requireAuth("v1"), async (c) => {
    await logOut(c.env, readSessionCookie(c));
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  /** What an invitation link offers; unknown, used and expired links answer alike (404). */
  .get("/v1/invitations/:token", async (c) => {
    const token = InvitationAcceptInput.shape.token.safeParse(c.req.param("token"));
    if (!token.success) throw new HttpError(404, "not-found", "this invitation link is invalid or has expired; ask for a new one");
    c.header("cache-control", "no-store");
    return c.json({ invitation: await invitationFor(c.env, token.data) });
  })
  .post("/v1/invitations/accept", requireAuth("v1"), async (c) => {
    const joined = await acceptInvitation(c.env, c.get("auth"), (await readJson(c, InvitationAcceptInput)).token);
    return c.json({ org: joined.org, role: joined.role });
  })
  .post("/v1/invitations/signup", async (c) => signedIn(c, await signUpFromInvitation(c.env, await readJson(c, InvitationSignUpInput)), 201))
  .get("/v1/orgs", requireAuth("v1"), async (c) => {
    const { identity } = c.get("auth");
    return c.json({ current: identity.org.id, orgs: unwrap(await accountDirectory(c.env.ACCOUNT_DIRECTORY).orgsOf(identity.user.id)) });
  })
  /** Switches the session's org (a person who belongs to several: their own and ones they were invited to). */
  .post("/v1/orgs/switch", requireAuth("v1"), async (c) => {
    const { orgId } = await readJson(c, SwitchOrgBody);
    const token = readSessionCookie(c);
    if (c.get("auth").principal.kind !== "session" || !token) {
      throw new HttpError(403, "forbidden", "only a signed-in session can switch org; API keys and tokens are bound to one");
    }
    const switched = unwrap(await switchSessionOrg(c.env, token, orgId));
    return c.json({ org: switched.identity.org, role: switched.identity.role });
  })
  .get("/v1/me", requireAuth("v1"), (c) => {
    const { principal, identity, grant } = c.get("auth");
    c.header("cache-control", "no-store");
    return c.json({
      principal: { kind: principal.kind, credentialId: principal.credentialId, userId: principal.userId, orgId: principal.orgId },
      user: identity.user,
      org: identity.org,
      role: identity.role,
      scopeChain: principal.chain,
      grant: { toolkit: grant.toolkit, capabilities: grant.capabilities, narrowings: principal.narrowings.map((n) => n.label) },
    });
  });
