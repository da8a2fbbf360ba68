import type { AuthRequest, ConsentDescription } from "@cloudflare/workers-oauth-provider";
import { AuthorizationError, CimdFetchError } from "@cloudflare/workers-oauth-provider";
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { GrantProps } from "../schemas";
import { csrfToken, verifyCsrf } from "../workers/gateway/auth/cookies";
import { AUTHORIZE_PATH, oauthServer } from "../workers/gateway/auth/oauth";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { AppEnv } from "../workers/gateway/env";
import { toolkitChoices } from "./api-keys";
import { page } from "./layout";
import { loginRedirect, pageAuth } from "./session";

function consentPage(auth: AuthContext, details: ConsentDescription, handle: string, csrf: string, toolkits: string[]) {
  const choices = [
    html`<label><input type="radio" name="toolkit" value="" checked> Everything you can reach in ${auth.identity.org.name}</label>`,
    ...toolkits.map((t) => html`<label><input type="radio" name="toolkit" value="${t}"> Only toolkit <code>${t}</code></label>`),
  ];
  return page(
    `Authorize ${details.clientName}`,
    html`<h1>Allow <span id="client-name">${details.clientName}</span> to use Executor as you?</h1>
      <p>${details.clientDomain
        ? html`Published by <strong>${details.clientDomain}</strong>.`
        : "This app registered itself; its name is not verified."}</p>
      <p>Access will be sent to <code id="redirect-uri">${details.redirectUri}</code>.</p>
      ${details.redirectIsLoopback
        ? html`<p><strong>This sends access to an app on your computer.</strong> Continue only if you just started signing in from it.</p>`
        : ""}
      <form method="post" action="${AUTHORIZE_PATH}">
        <input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="handle" value="${handle}">
        <fieldset><legend>What may it use?</legend>${choices}</fieldset>
        <button name="decision" value="approve" type="submit">Allow</button>
        <button name="decision" value="deny" type="submit">Deny</button>
      </form>`,
    { email: auth.identity.user.email, csrf },
  );
}

/** The consent docs' error rules: redirect only to a validated client redirect URI, else render here. */
function authorizationFailure(c: Context<AppEnv>, error: unknown): Response | Promise<Response> {
  if (error instanceof AuthorizationError && error.redirectTo) return c.redirect(error.redirectTo, 302);
  if (error instanceof AuthorizationError || error instanceof CimdFetchError) {
    const message = error instanceof AuthorizationError ? error.description : "This app could not be verified.";
    return c.html(page("Authorization failed", html`<h1>Authorization failed</h1><p class="error">${message}</p>`), 400);
  }
  throw error;
}

/** The OAuth authorization endpoint: sign in, then consent naming the client, its redirect URI and the grant. */
export const consent = new Hono<AppEnv>()
  .get(AUTHORIZE_PATH, async (c) => {
    const oauth = oauthServer(c.env).getOAuthApi(c.env);
    let request: AuthRequest;
    try {
      request = await oauth.parseAuthRequest(c.req.raw);
    } catch (error) {
      return authorizationFailure(c, error);
    }
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const details = await oauth.describeConsent(request).catch((e: unknown) => e);
    if (details instanceof Error) return authorizationFailure(c, details);
    const transaction = await oauth.beginConsent(request);
    const res: Response = await c.html(consentPage(auth, details as ConsentDescription, transaction.handle, csrfToken(c), await toolkitChoices(c.env, auth)));
    transaction.headers.forEach((value, key) => res.headers.append(key, value));
    res.headers.set("cache-control", "no-store");
    // The consent page must not be framed (clickjacking, RFC 6819 §4.4.1.9).
    res.headers.set("x-frame-options", "DENY");
    res.headers.set("content-security-policy", "frame-ancestors 'none'");
    return res;
  })
  .post(AUTHORIZE_PATH, async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const form = await c.req.parseBody();
    verifyCsrf(c, typeof form.csrf === "string" ? form.csrf : undefined);
    const handle = typeof form.handle === "string" ? form.handle : "";
    const oauth = oauthServer(c.env).getOAuthApi(c.env);
    try {
      if (form.decision !== "approve") {
        const denied = await oauth.denyConsent(c.req.raw, handle);
        return new Response(null, { status: 302, headers: denied.headers });
      }
      const requested = typeof form.toolkit === "string" ? form.toolkit : "";
      const allowed = await toolkitChoices(c.env, auth);
      const toolkit = requested === "" ? null : allowed.includes(requested) ? requested : undefined;
      if (toolkit === undefined) return c.html(page("Authorization failed", html`<p class="error">Unknown toolkit.</p>`), 400);
      const approved = await oauth.approveConsent(c.req.raw, handle, { scope: [] });
      const props: GrantProps = { userId: auth.identity.user.id, orgId: auth.identity.org.id, toolkit };
      const { redirectTo } = await oauth.completeAuthorization({
        request: approved.request,
        userId: auth.identity.user.id,
        metadata: { orgId: auth.identity.org.id, toolkit },
        scope: approved.request.scope,
        props,
      });
      approved.headers.set("location", redirectTo);
      return new Response(null, { status: 302, headers: approved.headers });
    } catch (error) {
      return authorizationFailure(c, error);
    }
  });
