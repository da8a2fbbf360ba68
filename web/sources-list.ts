import { html } from "hono/html";
import type { Source } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import { SPEC_BODY_LIMIT } from "../workers/gateway/catalog/import-limits";
import type { ScopeChoice } from "../workers/gateway/catalog/scope-access";
import type { SourceReview } from "../workers/gateway/catalog/sources-service";
import type { Html, SignedIn } from "./layout";
import { errorBox, page } from "./layout";
import { isBuiltIn, scopeLabel, scopeSelect, whichScope } from "./sources-common";

export type ListedSource = { source: Source; review: SourceReview };

/** What the URL form was sent with, shown again after a refusal. The secret never is (write-only). */
export type UrlFormValues = {
  kind?: string;
  url?: string;
  slug?: string;
  title?: string;
  scope?: ScopeChoice;
  local?: boolean;
  connection?: string;
};

export type ListOptions = { error?: string | undefined; notice?: string | undefined; values?: UrlFormValues; development: boolean };

const KINDS: Array<[string, string]> = [
  ["openapi", "OpenAPI description URL (JSON or YAML)"],
  ["graphql", "GraphQL endpoint"],
  ["mcp", "MCP server URL (Streamable HTTP)"],
];

function sourceRows(auth: AuthContext, listed: ListedSource[]): Html {
  return html`<table>
    <caption class="muted">Awaiting review counts every ungranted tool, new and moved; changed counts tools whose
      definition differs from what was granted, moved ones included.</caption>
    <thead><tr><th scope="col">Source</th><th scope="col">Kind</th><th scope="col">Placed in</th><th scope="col">Tools</th>
      <th scope="col">Awaiting review</th><th scope="col">Changed</th><th scope="col">Moved</th></tr></thead>
    <tbody>${listed.map(({ source, review }) => {
      const which = whichScope(auth, source.scope);
      return html`<tr data-source="${source.slug}" data-scope="${which}">
        <td><a href="/sources/${source.slug}?scope=${which}">${source.title}</a> <code>${source.slug}</code></td>
        <td>${source.kind}</td><td>${scopeLabel(auth, which)}</td>
        <td data-count="tools">${review.toolCount}</td><td data-count="awaiting">${review.awaitingReview.length}</td>
        <td data-count="changed">${review.changed.length}</td><td data-count="moved">${review.moved.length}</td></tr>`;
    })}</tbody></table>`;
}

/** The first connection, optional on both forms: its secret is written once and never shown again. */
function firstConnection(prefix: string, name: string | undefined): Html {
  return html`<details${name ? html` open` : ""}><summary>Add a first connection (optional)</summary>
    <p class="muted">A named credential for this source, such as <code>work</code>. If the upstream needs a credential to describe
      itself, this one is used. The secret is stored encrypted and is never shown again.</p>
    <label for="${prefix}-connection">Connection name</label>
    <input id="${prefix}-connection" name="connection" type="text" value="${name ?? ""}" pattern="[a-z0-9][a-z0-9\\-]{0,62}" placeholder="work">
    <label for="${prefix}-secret">Secret (token or API key)</label>
    <input id="${prefix}-secret" name="secret" type="password" autocomplete="off" spellcheck="false"></details>`;
}

function slugField(prefix: string, value: string | undefined, title: string | undefined): Html {
  return html`<label for="${prefix}-slug">Short name</label>
    <input id="${prefix}-slug" name="slug" type="text" required value="${value ?? ""}" pattern="[a-z0-9][a-z0-9\\-]{0,62}"
      aria-describedby="${prefix}-slug-help" placeholder="petstore">
    <p class="muted" id="${prefix}-slug-help">Lowercase letters, digits and dashes. It is part of every tool's address
      (<code>short-name.scope.connection.tool</code>), so choose it once.</p>
    <label for="${prefix}-title">Title (optional)</label><input id="${prefix}-title" name="title" type="text" maxlength="256" value="${title ?? ""}">`;
}

function localField(prefix: string, development: boolean, checked: boolean | undefined): Html | string {
  // DESIGN invariant 4: loopback http is allowed only in development, per source.
  return development
    ? html`<label><input id="${prefix}-local" name="local" type="checkbox"${checked ? html` checked` : ""}>
        Local (development only): allow http to loopback addresses for this source</label>`
    : "";
}

function urlForm(auth: AuthContext, csrf: string, values: UrlFormValues, development: boolean): Html {
  return html`<form method="post" action="/sources" aria-labelledby="add-url">
    <h3 id="add-url">From a URL</h3>
    <input type="hidden" name="csrf" value="${csrf}">
    <label for="url-kind">What the URL points at</label>
    <select id="url-kind" name="kind">${KINDS.map(
      ([value, label]) => html`<option value="${value}"${values.kind === value ? html` selected` : ""}>${label}</option>`,
    )}</select>
    <label for="url-url">URL</label>
    <input id="url-url" name="url" type="text" inputmode="url" spellcheck="false" required value="${values.url ?? ""}" placeholder="https://api.example.com/openapi.json">
    ${slugField("url", values.slug, values.title)}
    ${scopeSelect(auth, "url-scope", values.scope)}
    ${localField("url", development, values.local)}
    ${firstConnection("url", values.connection)}
    <button type="submit">Add source</button>
  </form>`;
}

/**
 * The upload reads the file in the page and sends it as JSON to `POST /v1/sources` (sources.js), so a
 * description as large as GitHub's (12 MB) is never a form post (pages take 64 KiB): without the
 * script this form stays hidden and the note below says so.
 */
function uploadForm(auth: AuthContext, csrf: string, development: boolean): Html {
  return html`<form id="upload-form" hidden aria-labelledby="add-file" data-max-bytes="${SPEC_BODY_LIMIT}">
    <h3 id="add-file">Upload an OpenAPI document</h3>
    <input type="hidden" name="csrf" value="${csrf}">
    <label for="upload-file">OpenAPI document (JSON or YAML)</label>
    <input id="upload-file" name="file" type="file" required accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml">
    ${slugField("upload", undefined, undefined)}
    ${scopeSelect(auth, "upload-scope", undefined)}
    ${localField("upload", development, false)}
    ${firstConnection("upload", undefined)}
    <button type="submit">Upload and add</button>
    <div id="upload-meter" hidden><label for="upload-progress">Upload progress</label>
      <progress id="upload-progress" max="1" value="0"></progress></div>
    <p id="upload-status" role="status" aria-live="polite"></p>
    <div id="upload-error" role="alert"></div>
  </form>
  <noscript><p>Uploading a document needs JavaScript in this page; adding a source from a URL does not.</p></noscript>`;
}

export function sourcesListPage(auth: AuthContext, who: SignedIn, listed: ListedSource[], opts: ListOptions): Html {
  const imported = listed.filter(({ source }) => !isBuiltIn(source));
  const builtIn = listed.filter(({ source }) => isBuiltIn(source));
  return page(
    "Sources",
    html`<h1>Sources</h1>
      <p>A source is an API whose operations become tools: an OpenAPI description, a GraphQL endpoint or an MCP server.
        Tools from the first import are granted; tools a later refresh adds or moves wait for your review.</p>
      ${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ""}${errorBox(opts.error)}
      ${imported.length ? sourceRows(auth, imported) : html`<p id="no-sources">No sources yet. Add one below.</p>`}
      ${builtIn.map(({ source, review }) =>
        source.kind === "store"
          ? html`<p class="store-source">Built in: <a href="/sources/${source.slug}?scope=${whichScope(auth, source.scope)}">${source.title}</a>
              <code>${source.slug}</code>, ${review.toolCount} tools that read and write your stores (key-value and SQLite), one
              connection per store, governed like any tool.</p>`
          : source.kind === "custom"
          ? html`<p class="custom-source">Deployed: <a href="/sources/${source.slug}?scope=${whichScope(auth, source.scope)}">${source.title}</a>
              <code>${source.slug}</code> in ${scopeLabel(auth, whichScope(auth, source.scope))}, ${review.toolCount} tools written as code and kept in git.
              See their history on the <a href="/artifacts?scope=${whichScope(auth, source.scope)}">Artifacts</a> page.</p>`
          : html`<p id="built-in-source">Built in: <a href="/sources/${source.slug}?scope=${whichScope(auth, source.scope)}">${source.title}</a>
        <code>${source.slug}</code>, ${review.toolCount} tools that manage this platform, so an agent can configure Executor
        through Executor. They are governed like any tool: its writes wait for a person's approval.</p>`)}
      <h2>Add a source</h2>
      ${urlForm(auth, who.csrf, opts.values ?? {}, opts.development)}
      ${uploadForm(auth, who.csrf, opts.development)}`,
    who,
    { active: "/sources", scripts: ["app.js", "sources.js"] },
  );
}
