import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import type { Invitation } from "../schemas";
import { EmailToken, OrgName, Password } from "../schemas";
import { acceptInvitation, invitationFor, signUpFromInvitation } from "../workers/gateway/accounts/invitations";
import { csrfToken, readSessionCookie, setSessionCookie } from "../workers/gateway/auth/cookies";
import { switchSessionOrg } from "../workers/gateway/auth/credentials";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { AppEnv } from "../workers/gateway/env";
import { HttpError } from "../workers/shared/problem";
import { formAction, readForm } from "./forms";
import { errorBox, page } from "./layout";
import { pageAuth } from "./session";

const INVALID = "This invitation link is invalid, used or expired. Ask an owner of the organization for a new one.";
const SignUpForm = z.object({ password: Password, orgName: z.union([z.literal("").transform(() => undefined), OrgName]).optional() });

function offerPage(c: Context<AppEnv>, token: string, invite: Invitation, auth: AuthContext | null, error?: string) {
  const csrf = csrfToken(c);
  const what = html`<p id="offer"><strong>${invite.invitedBy}</strong> invited <strong>${invite.email}</strong> to join
    <strong>${invite.orgName}</strong> as ${invite.role === "owner" ? "an owner" : "a member"}.</p>`;
  let body;
  if (auth && auth.identity.user.email === invite.email) {
    body = html`<form method="post" action="/invitations/${token}/accept"><input type="hidden" name="csrf" value="${csrf}">
      <button id="accept" type="submit">Join ${invite.orgName}</button></form>`;
  } else if (auth) {
    body = html`<p class="error">You are signed in as ${auth.identity.user.email}. This invitation is for ${invite.email}:
      log out and sign in with that address to accept it.</p>`;
  } else {
    body = html`<h2>Already have an account for ${invite.email}?</h2>
      <p><a id="login" href="/login?next=${encodeURIComponent(`/invitations/${token}`)}">Log in to accept</a>.</p>
      <h2>New to Executor?</h2>
      <form method="post" action="/invitations/${token}/signup"><input type="hidden" name="csrf" value="${csrf}">
        <label for="email">Email</label><input id="email" type="email" value="${invite.email}" disabled>
        <label for="password">Password (at least 10 characters)</label>
        <input id="password" name="password" type="password" autocomplete="new-password" minlength="10" required>
        <label for="orgName">Your own organization's name (optional)</label><input id="orgName" name="orgName" type="text">
        <button type="submit">Create account and join</button>
      </form>`;
  }
  return page("Invitation", html`<h1>You are invited</h1>${errorBox(error)}${what}${body}`, auth ? { email: auth.identity.user.email, csrf } : undefined);
}

function invalidPage() {
  return page("Invitation", html`<h1>Invitation</h1><p class="error" role="alert">${INVALID}</p>`);
}

async function load(c: Context<AppEnv>): Promise<{ token: string; invite: Invitation } | null> {
  const token = EmailToken.safeParse(c.req.param("token"));
  if (!token.success) return null;
  try {
    return { token: token.data, invite: await invitationFor(c.env, token.data) };
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return null;
    throw error;
  }
}

/** The page an invitation link opens: accept when signed in as the invited address, or sign up with it. */
export const invitationPages = new Hono<AppEnv>()
  .get("/invitations/:token", async (c) => {
    c.header("cache-control", "no-store");
    const found = await load(c);
    return found ? c.html(offerPage(c, found.token, found.invite, await pageAuth(c))) : c.html(invalidPage(), 404);
  })
  .post("/invitations/:token/accept", async (c) => {
    const found = await load(c);
    if (!found) return c.html(invalidPage(), 404);
    const auth = await pageAuth(c);
    return formAction(
      async () => {
        await readForm(c, z.object({}));
        if (!auth) throw new HttpError(401, "unauthorized", "log in to accept the invitation");
        const joined = await acceptInvitation(c.env, auth, found.token);
        // Land in the org just joined: that is what the person came for.
        const session = readSessionCookie(c);
        if (session) await switchSessionOrg(c.env, session, joined.org.id);
        return c.redirect("/connect", 303);
      },
      (error, status) => c.html(offerPage(c, found.token, found.invite, auth, error), status as 400),
    );
  })
  .post("/invitations/:token/signup", async (c) => {
    const found = await load(c);
    if (!found) return c.html(invalidPage(), 404);
    return formAction(
      async () => {
        const form = await readForm(c, SignUpForm);
        const result = await signUpFromInvitation(c.env, { token: found.token, password: form.password, orgName: form.orgName });
        setSessionCookie(c, result.sessionToken);
        return c.redirect("/connect", 303);
      },
      (error, status) => c.html(offerPage(c, found.token, found.invite, null, error), status as 400),
    );
  });
