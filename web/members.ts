import { Hono } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { Email, OrgRole } from "../schemas";
import { accountDirectory } from "../durable-objects/account-directory/client";
import { inviteMember } from "../workers/gateway/accounts/invitations";
import { csrfToken } from "../workers/gateway/auth/cookies";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { AppEnv, Env } from "../workers/gateway/env";
import { unwrap } from "../workers/shared/result";
import { formAction, readForm } from "./forms";
import { errorBox, page } from "./layout";
import { loginRedirect, pageAuth } from "./session";

const InviteForm = z.object({ email: Email, role: OrgRole });

async function render(env: Env, auth: AuthContext, csrf: string, opts: { error?: string; notice?: string } = {}) {
  const members = unwrap(await accountDirectory(env.ACCOUNT_DIRECTORY).listMembers(auth.identity.org.id));
  const isOwner = auth.identity.role === "owner";
  return page(
    "Members",
    html`<h1>Members of ${auth.identity.org.name}</h1>
      ${opts.notice ? html`<p class="notice">${opts.notice}</p>` : ""}${errorBox(opts.error)}
      <table><thead><tr><th>Email</th><th>Role</th><th>Status</th></tr></thead><tbody>
      ${members.map(
        (m) => html`<tr><td>${m.email}</td><td>${m.role}</td><td>${m.status === "invited"
          ? html`invited${m.expiresAt ? html`, link valid until ${new Date(m.expiresAt).toISOString().slice(0, 16).replace("T", " ")} UTC` : " (send again)"}`
          : m.status}</td></tr>`,
      )}</tbody></table>
      ${isOwner
        ? html`<h2>Invite a member</h2><p>We email them a link that works once, for 7 days; they join when they open it
            with this address. Inviting again sends a new link.</p>
          <form method="post" action="/members"><input type="hidden" name="csrf" value="${csrf}">
            <label for="email">Email</label><input id="email" name="email" type="email" required>
            <label for="role">Role</label><select id="role" name="role"><option>member</option><option>owner</option></select>
            <button type="submit">Send invitation</button></form>`
        : ""}`,
    { email: auth.identity.user.email, csrf },
  );
}

/** Org members; owners add people by email. */
export const membersPage = new Hono<AppEnv>()
  .get("/members", async (c) => {
    const auth = await pageAuth(c);
    return auth ? c.html(render(c.env, auth, csrfToken(c))) : loginRedirect(c);
  })
  .post("/members", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return formAction(
      async () => {
        const form = await readForm(c, InviteForm);
        await inviteMember(c.env, auth, form);
        return c.html(render(c.env, auth, csrfToken(c), { notice: `We emailed an invitation to ${form.email} (${form.role}).` }), 201);
      },
      (error, status) => c.html(render(c.env, auth, csrfToken(c), { error }), status as 400),
    );
  });
