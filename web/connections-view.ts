import { html } from "hono/html";
import type { Connection, Run, Source } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { ScopeChoice } from "../workers/gateway/catalog/scope-access";
import type { Html, SignedIn } from "./layout";
import { errorBox, page } from "./layout";
import { isBuiltIn, mayChange, scopeLabel, scopeSelect, whichScope } from "./sources-common";

/** What the add form was sent with, to fill it in again. Never the secret: it is write-only. */
export type AddValues = { source?: string; name?: string; scope?: ScopeChoice };

export type ConnectionsOptions = {
  notice?: string | undefined;
  error?: string | undefined;
  tested?: Run | undefined;
  values?: AddValues;
};

/** Whether a secret is set and where it lives; never the secret, nor anything derived from it. */
function secretState(connection: Connection): string {
  if (connection.secretRef === null) return "none";
  return connection.secretRef.startsWith("env://") ? "set (a Worker secret of this deployment)" : "set (stored encrypted)";
}

/** The outcome of a "test connection" Run, as the ledger recorded it. */
function testResult(run: Run): Html {
  const [source, , connection, ...tool] = run.address.split(".");
  const subject = html`Test of <code>${connection}</code> (${source}) with <code>${tool.join(".")}</code>`;
  const outcome =
    run.status === "succeeded"
      ? html`passed.`
      : run.status === "pending_approval"
        ? html`waits for approval: ${run.admission.reason.message}.`
        : run.status === "rejected" || run.status === "denied"
          ? html`was refused: ${run.admission.reason.message}.`
          : html`failed: ${run.error?.message ?? run.status}.`;
  const cls = run.status === "succeeded" ? "notice" : "error";
  return html`<div id="test-result" class="${cls}" role="status" data-run="${run.id}" data-status="${run.status}">
    <p>${subject} ${outcome} Recorded as Run <a href="/runs/${run.id}"><code>${run.id}</code></a>.</p></div>`;
}

function connectionRow(auth: AuthContext, csrf: string, connection: Connection, builtIn: boolean): Html {
  const which = whichScope(auth, connection.scope);
  const base = `/connections/${connection.source}/${connection.name}`;
  const id = `${which}-${connection.source}-${connection.name}`;
  const csrfField = html`<input type="hidden" name="csrf" value="${csrf}">`;
  return html`<tr id="conn-${id}" data-connection="${connection.source}/${connection.name}" data-scope="${which}">
    <td><code>${connection.name}</code></td><td>${scopeLabel(auth, which)}</td><td class="secret">${secretState(connection)}</td>
    <td>
      <form class="inline" method="post" action="${base}/test?scope=${which}">${csrfField}
        <button type="submit" aria-label="Test ${connection.name}">Test</button></form>
      ${builtIn
        ? html`<span class="muted">built in: it needs no secret and cannot be removed</span>`
        : mayChange(auth, which) ? html`<form class="inline" method="post" action="${base}/remove?scope=${which}"
        data-confirm="Remove the connection ${connection.name} of ${connection.source}? Calls through it stop working and its secret is deleted.">${csrfField}
        <button type="submit" aria-label="Remove ${connection.name}">Remove</button></form>
      <details><summary>Rotate secret</summary>
        <form method="post" action="${base}/rotate?scope=${which}">${csrfField}
          <label for="rotate-${id}">New secret for ${connection.name}</label>
          <input id="rotate-${id}" name="secret" type="password" autocomplete="off" spellcheck="false" required>
          <button type="submit">Replace secret</button></form></details>` : html`<span class="muted">only an owner can change it</span>`}
    </td></tr>`;
}

function sourceSection(auth: AuthContext, csrf: string, slug: string, source: Source | undefined, connections: Connection[]): Html {
  return html`<section id="source-${slug}" aria-labelledby="heading-${slug}">
    <h2 id="heading-${slug}">${source ? html`<a href="/sources/${slug}?scope=${whichScope(auth, source.scope)}">${source.title}</a> ` : ""}<code>${slug}</code></h2>
    ${source ? "" : html`<p class="muted">This source is no longer placed in your scopes; its connections reach nothing.</p>`}
    ${connections.length
      ? html`<table><thead><tr><th scope="col">Name</th><th scope="col">Placed in</th><th scope="col">Secret</th><th scope="col">Actions</th></tr></thead>
          <tbody>${connections.map((c) => connectionRow(auth, csrf, c, source !== undefined && isBuiltIn(source)))}</tbody></table>`
      : html`<p>No connections yet.</p>`}
  </section>`;
}

function addForm(auth: AuthContext, csrf: string, sources: Source[], values: AddValues): Html {
  return html`<form method="post" action="/connections" aria-labelledby="add-connection">
    <h2 id="add-connection">Add a connection</h2>
    <input type="hidden" name="csrf" value="${csrf}">
    <label for="add-source">Source</label>
    <select id="add-source" name="source" required>${sources.map(
      (s) => html`<option value="${s.slug}"${values.source === s.slug ? html` selected` : ""}>${s.title} (${s.slug})</option>`,
    )}</select>
    <label for="add-name">Name</label>
    <input id="add-name" name="name" type="text" required pattern="[a-z0-9][a-z0-9\\-]{0,62}" value="${values.name ?? ""}" placeholder="work"
      aria-describedby="add-name-help">
    <p class="muted" id="add-name-help">Part of every address called through it (<code>source.scope.name.tool</code>), such as work, personal or prod.</p>
    ${scopeSelect(auth, "add-scope", values.scope)}
    <label for="add-secret">Secret (token or API key; optional)</label>
    <input id="add-secret" name="secret" type="password" autocomplete="off" spellcheck="false" aria-describedby="add-secret-help">
    <p class="muted" id="add-secret-help">Write-only: it is stored encrypted, used only when a call is made, and never shown again, to anyone.</p>
    <button type="submit">Add connection</button>
  </form>`;
}

export function connectionsPage(auth: AuthContext, who: SignedIn, sources: Source[], connections: Connection[], opts: ConnectionsOptions): Html {
  // One section per source slug: a user connection may use the org's source of that name (DESIGN §3).
  const bySlug = new Map<string, Source>();
  for (const s of sources) if (!bySlug.has(s.slug)) bySlug.set(s.slug, s);
  const slugs = [...new Set([...bySlug.keys(), ...connections.map((c) => c.source)])];
  // The built-in source has its one connection already (catalog/builtin.ts).
  const addable = [...bySlug.values()].filter((s) => !isBuiltIn(s));
  return page(
    "Connections",
    html`<h1>Connections</h1>
      <p>A connection is a named credential for one source. Every call names its connection, so nothing is called
        through a silent default. Secrets go in and never come out.</p>
      ${opts.tested ? testResult(opts.tested) : ""}
      ${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ""}${errorBox(opts.error)}
      ${slugs.map((slug) => sourceSection(auth, who.csrf, slug, bySlug.get(slug), connections.filter((c) => c.source === slug)))}
      ${addable.length ? addForm(auth, who.csrf, addable, opts.values ?? {}) : html`<p id="no-sources"><a href="/sources">Add a source</a> to connect an account to it.</p>`}`,
    who,
    { active: "/connections", scripts: ["app.js"] },
  );
}
