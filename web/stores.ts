import { Hono } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { storeRegistry } from "../durable-objects/store-registry/client";
import type { JsonValue } from "../schemas";
import { callTool } from "../workers/invoke/call";
import { listStores } from "../workers/invoke/builtin/store-lifecycle";
import { STORE_SLUG } from "../workers/invoke/builtin/store-manifest";
import type { AppEnv } from "../workers/gateway/env";
import { requireWholeAuthority } from "../workers/gateway/catalog/scope-access";
import { HttpError } from "../workers/shared/problem";
import type { Html } from "./layout";
import { errorBox, page } from "./layout";
import { htmlOnError, signedIn } from "./sources-common";
import { loginRedirect, pageAuth } from "./session";

const Sql = z.string().trim().min(1).max(10_000);

function rowsTable(rows: Array<Record<string, JsonValue>>): Html {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return html`<table id="rows" data-rows="${rows.length}"><thead><tr>${columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr>${columns.map((c) => {
      const v = r[c];
      return html`<td>${v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v)}</td>`;
    })}</tr>`)}</tbody></table>`;
}

/**
 * The Stores pages (issue 15): every store the person reaches, and one store's rows (a query over a
 * SQLite store, keys of a key-value one) read through the store's own read tool (so a Run, under
 * the same policies), then kept live by a subscription: a workflow writes, the table changes.
 */
export const storesPages = new Hono<AppEnv>()
  .get("/stores", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return htmlOnError(c, auth, "/stores", async () => {
      requireWholeAuthority(auth);
      const stores = await listStores(c.env, auth.principal.chain.map((s) => s.id));
      const body = html`<h1>Stores</h1>
        <p>Key-value and SQLite stores, placed in your organization or your own scope. Workflows and agents reach them as tools
          (<code>store.&lt;scope&gt;.&lt;name&gt;.query</code> and the rest), governed like any tool; a page shows them live.</p>
        ${stores.length
          ? html`<table id="stores"><thead><tr><th scope="col">Store</th><th scope="col">Kind</th><th scope="col">Scope</th><th scope="col">Rows</th><th scope="col">Expires</th></tr></thead><tbody>
            ${stores.map((s) => html`<tr data-store="${s.name}"><td><a href="/stores/${s.scope}/${s.name}">${s.name}</a></td><td>${s.kind}</td><td>${s.scope === auth.identity.org.id ? "organization" : "yours"}</td>
              <td>${s.usage.rows}</td><td>${s.expiresAt ? new Date(s.expiresAt).toISOString().slice(0, 16).replace("T", " ") : "never"}</td></tr>`)}</tbody></table>`
          : html`<p id="no-stores">No stores yet. Create one with <code>POST /v1/stores</code>, or deploy a workflow that declares one.</p>`}`;
      return c.html(page("Stores", body, signedIn(c, auth), { active: "/stores" }));
    });
  })
  .get("/stores/:scope/:name", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return htmlOnError(c, auth, "/stores", async () => {
      const { scope, name } = c.req.param();
      if (!auth.principal.chain.some((s) => s.id === scope)) throw new HttpError(404, "not-found", `no store ${scope}/${name}`);
      const kind = await storeRegistry(c.env.STORE_REGISTRY, scope).kindOf(name);
      if (!kind) throw new HttpError(404, "not-found", `no store ${scope}/${name}`);
      // A query in the link runs as the viewer: only from this site's own pages (a link from elsewhere
      // could make a victim run, and watch, SQL of someone else's choosing).
      const site = c.req.header("sec-fetch-site");
      const asked = site === undefined || site === "same-origin" || site === "none" ? Sql.safeParse(c.req.query("sql")) : Sql.safeParse(undefined);
      let sql = asked.success ? asked.data : "";
      if (kind === "sqlite" && !sql) {
        const tables = await callTool(c.env, auth, { address: `${STORE_SLUG}.${scope}.${name}.query`, args: { sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name LIMIT 1" }, surface: "web" });
        const first = tables.kind === "succeeded" ? ((tables.value as { rows: Array<{ name: string }> }).rows[0]?.name ?? null) : null;
        sql = first ? `SELECT * FROM "${first.replaceAll('"', '""')}" LIMIT 100` : "SELECT 1 AS empty";
      }
      const args: Record<string, JsonValue> = kind === "sqlite" ? { sql, limit: 100 } : { prefix: "", limit: 100 };
      const read = await callTool(c.env, auth, { address: `${STORE_SLUG}.${scope}.${name}.${kind === "sqlite" ? "query" : "list"}`, args, surface: "web" });
      const error = read.kind === "succeeded" ? undefined : (read.run.error?.message ?? (read.kind === "pending" ? "reading this store waits for approval" : read.run.admission.reason.message));
      const value = read.kind === "succeeded" ? (read.value as { rows?: Array<Record<string, JsonValue>>; items?: Array<Record<string, JsonValue>> }) : {};
      const rows = value.rows ?? value.items ?? [];
      const subscribe = `/v1/stores/${scope}/${name}/subscribe?${kind === "sqlite" ? `sql=${encodeURIComponent(sql)}` : "prefix="}`;
      const body = html`<h1>Store <code>${name}</code></h1>
        <p>${kind === "sqlite" ? "SQLite" : "Key-value"} store in ${scope === auth.identity.org.id ? "your organization" : "your own scope"}. <a href="/stores">All stores</a></p>
        ${kind === "sqlite"
          ? html`<form method="get" action="/stores/${scope}/${name}"><label for="sql">Query (read-only)</label><textarea id="sql" name="sql" rows="3" spellcheck="false">${sql}</textarea><button type="submit">Run</button></form>`
          : ""}
        ${errorBox(error)}
        <p id="live" data-subscribe="${subscribe}"><span id="live-status" role="status">Showing the rows as they were when this page loaded.</span></p>
        ${rowsTable(rows)}`;
      return c.html(page(`Store ${name}`, body, signedIn(c, auth), { active: "/stores", scripts: ["app.js", "stores.js"] }));
    });
  });
