import { html } from "hono/html";
import type { Toolkit } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { ScopeChoice } from "../workers/gateway/catalog/scope-access";
import type { Html, SignedIn } from "./layout";
import { errorBox, page } from "./layout";
import { scopeLabel, whichScope } from "./sources-common";
import type { EditorOptions } from "./toolkits-editor";
import { toolkitEditor } from "./toolkits-editor";

// The Toolkits list, the new-toolkit page and a toolkit's page (its URLs, the editor, deletion).

/** Where a toolkit is reached: MCP (`?toolkit=` finds the user's toolkit of that name first, then the org's) and its routes. */
export type ToolkitUrls = { mcp: string; openapi: string; sdk: string };

export function toolkitUrls(publicUrl: string, toolkit: Pick<Toolkit, "scope" | "slug">): ToolkitUrls {
  const origin = new URL(publicUrl).origin;
  const routes = `${origin}/v1/toolkits/${toolkit.scope}/${toolkit.slug}`;
  return { mcp: `${origin}/mcp?toolkit=${toolkit.slug}`, openapi: `${routes}/openapi.json`, sdk: `${routes}/sdk.ts` };
}

export function toolkitPath(auth: AuthContext, toolkit: Pick<Toolkit, "scope" | "slug">): string {
  return `/toolkits/${whichScope(auth, toolkit.scope)}/${toolkit.slug}`;
}

export function toolkitsListPage(auth: AuthContext, who: SignedIn, toolkits: Toolkit[], publicUrl: string, notice?: string): Html {
  return page(
    "Toolkits",
    html`<h1>Toolkits</h1>
      <p>A toolkit is pure curation: a named set of tools an MCP client, an API key or a customer backend is narrowed to.
        It never loosens a policy; a tool outside it does not exist for whoever is bound to it.</p>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ""}
      <p><a href="/toolkits/new" id="new-toolkit">New toolkit</a></p>
      ${toolkits.length
        ? html`<table id="toolkits">
            <thead><tr><th scope="col">Toolkit</th><th scope="col">Placed in</th><th scope="col">Picked</th><th scope="col">Patterns</th>
              <th scope="col">Code mode</th><th scope="col">MCP URL</th></tr></thead>
            <tbody>${toolkits.map(
              (t) => html`<tr data-toolkit="${t.slug}"><td><a href="${toolkitPath(auth, t)}">${t.title || t.slug}</a> <code>${t.slug}</code></td>
                <td>${scopeLabel(auth, whichScope(auth, t.scope))}</td><td>${t.tools.length}</td><td>${t.patterns.length}</td>
                <td>${t.runCode ? "allowed" : "no"}</td><td><code>${toolkitUrls(publicUrl, t).mcp}</code></td></tr>`,
            )}</tbody></table>`
        : html`<p id="no-toolkits">No toolkits yet.</p>`}`,
    who,
    { active: "/toolkits" },
  );
}

export function newToolkitPage(auth: AuthContext, who: SignedIn, editor: EditorOptions, error?: string): Html {
  return page(
    "New toolkit",
    html`<p><a href="/toolkits">All toolkits</a></p><h1>New toolkit</h1>${errorBox(error)}${toolkitEditor(auth, editor)}`,
    who,
    { active: "/toolkits", scripts: ["toolkits.js"] },
  );
}

export type ToolkitPageOptions = { editor: EditorOptions; which: ScopeChoice; urls: ToolkitUrls; shadowed: boolean; error?: string | undefined; notice?: string | undefined };

export function toolkitPage(auth: AuthContext, who: SignedIn, toolkit: Toolkit, opts: ToolkitPageOptions): Html {
  const path = toolkitPath(auth, toolkit);
  return page(
    toolkit.title || toolkit.slug,
    html`<p><a href="/toolkits">All toolkits</a></p>
      <h1>${toolkit.title || toolkit.slug} <code>${toolkit.slug}</code></h1>
      ${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ""}${errorBox(opts.error)}
      <p>Placed in ${scopeLabel(auth, opts.which)}.${toolkit.pinned ? ` Its routes serve promoted version ${toolkit.version}.` : ""}</p>
      <h2>Where it is reached</h2>
      <table><tbody>
        <tr><th scope="row">MCP URL</th><td><code id="mcp-url">${opts.urls.mcp}</code>${
          opts.shadowed ? html`<p class="muted">Your own toolkit with the same short name is the one this URL finds for you.</p>` : ""
        }</td></tr>
        <tr><th scope="row">OpenAPI document</th><td><code id="openapi-url">${opts.urls.openapi}</code></td></tr>
        <tr><th scope="row">TypeScript SDK</th><td><code id="sdk-url">${opts.urls.sdk}</code></td></tr>
      </tbody></table>
      <p class="muted">The routes need an API key (bound to this toolkit or broader); MCP clients sign in with OAuth or a key.</p>
      <h2>Edit</h2>
      ${toolkitEditor(auth, opts.editor)}
      <h2>Delete</h2>
      <form method="post" action="${path}/delete" data-confirm="Delete the toolkit ${toolkit.slug}? Keys bound to it stop reaching any tool.">
        <input type="hidden" name="csrf" value="${who.csrf}">
        <p class="muted">Credentials bound to it stop reaching any tool (until a toolkit with the same short name is made again); nothing else changes.</p>
        <button type="submit">Delete toolkit</button>
      </form>`,
    who,
    { active: "/toolkits", scripts: ["app.js", "toolkits.js"] },
  );
}
