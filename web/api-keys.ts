import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { html } from "hono/html";
import { z } from "zod";
import { ToolkitRef } from "../schemas";
import { scopeCatalog } from "../durable-objects/scope-catalog/client";
import { createApiKey, listApiKeys, revokeApiKey } from "../workers/gateway/accounts/keys";
import { csrfToken, verifyCsrf } from "../workers/gateway/auth/cookies";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { AppEnv, Env } from "../workers/gateway/env";
import { formAction, readForm } from "./forms";
import { errorBox, page } from "./layout";
import { loginRedirect, pageAuth } from "./session";

const FLASH = "executor_new_key";

const EXPIRY_DAYS = ["", "7", "30", "90", "365"] as const;
const KeyForm = z.object({
  name: z.string().trim().min(1, "must not be empty").max(100),
  toolkit: z.union([z.literal("").transform(() => null), ToolkitRef]),
  approve: z.literal("on").optional(),
  administer: z.literal("on").optional(),
  "manage-keys": z.literal("on").optional(),
  "author-tools": z.literal("on").optional(),
  "trigger-register": z.literal("on").optional(),
  expires: z.enum(EXPIRY_DAYS).default(""),
});

function describeKey(k: { capabilities: string[]; expiresAt: number | null }): string {
  const can = k.capabilities.length ? k.capabilities.join(", ") : "call tools only";
  return k.expiresAt ? `${can}; expires ${new Date(k.expiresAt).toISOString().slice(0, 10)}` : can;
}

/** Toolkits the signed-in person can bind a key to: those placed in their org or user scope. */
export async function toolkitChoices(env: Env, auth: AuthContext): Promise<string[]> {
  const lists = await Promise.all(auth.principal.chain.map((s) => scopeCatalog(env.SCOPE_CATALOG, s.id).listToolkits()));
  return lists.flatMap((r, i) => (r.ok ? r.value.map((t) => `${auth.principal.chain[i]?.id}/${t.slug}`) : []));
}

async function render(env: Env, auth: AuthContext, csrf: string, opts: { created?: string; error?: string } = {}) {
  const [keys, toolkits] = await Promise.all([listApiKeys(env, auth), toolkitChoices(env, auth)]);
  const rows = keys.map(
    (k) => html`<tr><td>${k.name}</td><td><code>${k.prefix}…</code></td><td>${k.toolkit ?? "whole scope"}</td><td>${describeKey(k)}</td>
      <td>${k.revokedAt ? "revoked" : html`<form class="inline" method="post" action="/api-keys/${k.id}/revoke">
        <input type="hidden" name="csrf" value="${csrf}"><button>Revoke</button></form>`}</td></tr>`,
  );
  return page(
    "API keys",
    html`<h1>API keys</h1>
      ${opts.created
        ? html`<div class="notice"><p>Your new key. Copy it now: it will not be shown again.</p><pre id="new-api-key">${opts.created}</pre></div>`
        : ""}
      ${errorBox(opts.error)}
      <form method="post" action="/api-keys">
        <input type="hidden" name="csrf" value="${csrf}">
        <label for="name">Name</label><input id="name" name="name" type="text" required placeholder="backend-prod">
        <label for="toolkit">Limit to toolkit</label>
        <select id="toolkit" name="toolkit"><option value="">Whole scope</option>${toolkits.map((t) => html`<option>${t}</option>`)}</select>
        <fieldset><legend>Beyond calling tools, this key may</legend>
          <label><input type="checkbox" name="administer"> change sources, connections, policies and toolkits</label>
          <label><input type="checkbox" name="manage-keys"> create and revoke API keys (never broader than itself)</label>
          <label><input type="checkbox" name="author-tools"> write custom tools and skills into your own scope over MCP (they never do more than this key)</label>
          <label><input type="checkbox" name="trigger-register"> create and run workflows (schedules, webhooks) in your own scope over MCP</label>
          ${auth.identity.role === "owner"
            ? html`<label><input type="checkbox" name="approve"> approve other credentials' calls (give this only to a person's tool, never an agent)</label>`
            : ""}
        </fieldset>
        <label for="expires">Expires</label>
        <select id="expires" name="expires"><option value="">Never (until revoked)</option><option value="7">in 7 days</option>
          <option value="30">in 30 days</option><option value="90">in 90 days</option><option value="365">in a year</option></select>
        <button type="submit">Create API key</button>
      </form>
      <h2>Your keys</h2>
      <table><thead><tr><th>Name</th><th>Key</th><th>Toolkit</th><th>May</th><th></th></tr></thead><tbody>${rows}</tbody></table>`,
    { email: auth.identity.user.email, csrf },
  );
}

/** Create (value shown once), list and revoke API keys. */
export const apiKeysPage = new Hono<AppEnv>()
  .get("/api-keys", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    c.header("cache-control", "no-store");
    const created = getCookie(c, FLASH, "host");
    if (created) deleteCookie(c, FLASH, { prefix: "host", secure: true, path: "/" });
    return c.html(render(c.env, auth, csrfToken(c), created ? { created } : {}));
  })
  .post("/api-keys", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    c.header("cache-control", "no-store");
    return formAction(
      async () => {
        const form = await readForm(c, KeyForm);
        const capabilities = (["administer", "approve", "manage-keys", "author-tools", "trigger-register"] as const).filter((cap) => form[cap] === "on");
        const expiresAt = form.expires === "" ? null : Date.now() + Number(form.expires) * 86_400_000;
        const { key } = await createApiKey(c.env, auth, { name: form.name, toolkit: form.toolkit, capabilities, expiresAt, allowedOrigins: [], rateLimitPerMinute: null });
        // Post/Redirect/Get: the key rides a one-minute HttpOnly cookie to the next page view, which
        // shows it once and clears it, so reloading never re-submits the form and mints another key.
        setCookie(c, FLASH, key, { prefix: "host", httpOnly: true, sameSite: "Strict", maxAge: 60 });
        return c.redirect("/api-keys", 303);
      },
      (error, status) => c.html(render(c.env, auth, csrfToken(c), { error }), status as 400),
    );
  })
  .post("/api-keys/:id/revoke", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const body = await c.req.parseBody();
    verifyCsrf(c, typeof body.csrf === "string" ? body.csrf : undefined);
    await revokeApiKey(c.env, auth, c.req.param("id"));
    return c.redirect("/api-keys", 303);
  });
