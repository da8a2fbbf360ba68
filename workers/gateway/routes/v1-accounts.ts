import type { Context } from "hono";
import { Hono } from "hono";
import { LogInInput, SignUpInput } from "../../../schemas";
import type { SignedIn } from "../accounts/service";
import { logIn, logOut, signUp } from "../accounts/service";
import { clearSessionCookie, csrfToken, readSessionCookie, setSessionCookie } from "../auth/cookies";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import type { AppEnv } from "../env";

function signedIn(c: Context<AppEnv>, result: SignedIn, status: 200 | 201): Response {
  setSessionCookie(c, result.sessionToken);
  c.header("cache-control", "no-store");
  const { user, org, role } = result.identity;
  // The CSRF token lets a browser client send state-changing /v1 requests with its session cookie.
  return c.json({ user, org, role, csrfToken: csrfToken(c), sessionExpiresAt: result.expiresAt }, status);
}

/** Sign-up, log-in and log-out as JSON (the pages in web/ use the same service). */
export const v1Accounts = new Hono<AppEnv>()
  .post("/v1/signup", async (c) => signedIn(c, await signUp(c.env, c.req.raw.headers, await readJson(c, SignUpInput)), 201))
  .post("/v1/login", async (c) => signedIn(c, await logIn(c.env, c.req.raw.headers, await readJson(c, LogInInput)), 200))
  .post("/v1/logout", requireAuth("v1"), async (c) => {
    await logOut(c.env, readSessionCookie(c));
    clearSessionCookie(c);
    return c.body(null, 204);
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
      grant: { toolkit: grant.toolkit, narrowings: principal.narrowings.map((n) => n.label) },
    });
  });
