import { Hono } from "hono";
import { html } from "hono/html";
import { resourceUrl } from "../workers/gateway/auth/oauth";
import { accountDirectory } from "../durable-objects/account-directory/client";
import { csrfToken, readSessionCookie, verifyCsrf } from "../workers/gateway/auth/cookies";
import { switchSessionOrg } from "../workers/gateway/auth/credentials";
import { unwrap } from "../workers/shared/result";
import type { AppEnv } from "../workers/gateway/env";
import { page } from "./layout";
import { loginRedirect, pageAuth } from "./session";

/** "Connect your client": the MCP URL and ready configuration for common MCP clients. */
export const connectPage = new Hono<AppEnv>()
  .post("/orgs/switch", async (c) => {
    const form = await c.req.parseBody();
    verifyCsrf(c, typeof form.csrf === "string" ? form.csrf : undefined);
    const token = readSessionCookie(c);
    if (!token) return c.redirect("/login", 303);
    const orgId = typeof form.orgId === "string" ? form.orgId : "";
    unwrap(await switchSessionOrg(c.env, token, orgId));
    return c.redirect("/connect", 303);
  })
  .get("/connect", async (c) => {
  const auth = await pageAuth(c);
  if (!auth) return loginRedirect(c);
  const mcpUrl = resourceUrl(c.env, "mcp");
  const desktop = JSON.stringify({ mcpServers: { executor: { command: "npx", args: ["-y", "mcp-remote", mcpUrl] } } }, null, 2);
  const generic = JSON.stringify({ mcpServers: { executor: { type: "http", url: mcpUrl } } }, null, 2);
  const headless = JSON.stringify(
    { mcpServers: { executor: { type: "http", url: mcpUrl, headers: { Authorization: "Bearer <your API key>" } } } },
    null,
    2,
  );
  c.header("cache-control", "no-store");
  const csrf = csrfToken(c);
  const orgs = unwrap(await accountDirectory(c.env.ACCOUNT_DIRECTORY).orgsOf(auth.identity.user.id));
  const others = orgs.filter((o) => o.id !== auth.identity.org.id);
  const switcher = others.length
    ? html`<h2>Your other organizations</h2><ul>${others.map(
        (o) => html`<li>${o.name} (${o.role})
          <form class="inline" method="post" action="/orgs/switch"><input type="hidden" name="csrf" value="${csrf}">
          <input type="hidden" name="orgId" value="${o.id}"><button>Switch</button></form></li>`,
      )}</ul>`
    : "";
  return c.html(
    page(
      "Connect your client",
      html`<h1>Connect your client</h1>
        <p>Signed in as <strong>${auth.identity.user.email}</strong> in <strong>${auth.identity.org.name}</strong>
          (<code>${auth.identity.org.id}</code>).</p>
        <h2>Your MCP URL</h2>
        <pre id="mcp-url">${mcpUrl}</pre>
        <p>Clients that support remote MCP servers sign in with OAuth: paste the URL, approve the consent page,
          and choose which of your toolkits (or your whole scope) the client may use.</p>
        <h2>Claude Code</h2>
        <pre>claude mcp add --transport http executor ${mcpUrl}</pre>
        <h2>Claude Desktop</h2>
        <p>Settings → Connectors → Add custom connector, with the URL above; or in <code>claude_desktop_config.json</code>:</p>
        <pre>${desktop}</pre>
        <h2>Other MCP clients (Cursor, VS Code, …)</h2>
        <pre>${generic}</pre>
        <h2>Headless clients and your own backend</h2>
        <p>Create an <a href="/api-keys">API key</a> (optionally limited to one toolkit) and send it as a Bearer token:</p>
        <pre>${headless}</pre>
        <p>The HTTP API lives at <code>${resourceUrl(c.env, "v1")}</code>; try <code>GET /v1/me</code>.</p>
        ${switcher}`,
      { email: auth.identity.user.email, csrf },
    ),
  );
});
