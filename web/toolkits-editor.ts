import { html } from "hono/html";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { ScopeChoice } from "../workers/gateway/catalog/scope-access";
import type { ResolvedTool } from "../workers/invoke/catalog-view";
import type { Html } from "./layout";
import { scopeLabel, scopeSelect } from "./sources-common";
import type { Preview } from "./toolkits-preview";

// The toolkit editor (create and edit share it): tools picked by checkbox, grouped by source, address
// patterns, code mode, and the preview of exactly what the toolkit exposes.

export type EditorValues = { slug: string; title: string; description: string; scope?: ScopeChoice; tools: string[]; patterns: string; runCode: boolean };

/** Placed tools grouped by source (a same-named source in two scopes is two groups). */
function groups(reachable: readonly ResolvedTool[]): Array<{ key: string; slug: string; scope: string; tools: ResolvedTool[] }> {
  const byKey = new Map<string, { key: string; slug: string; scope: string; tools: ResolvedTool[] }>();
  for (const r of reachable) {
    const key = `${r.source.scope}/${r.source.slug}`;
    const group = byKey.get(key) ?? { key, slug: r.source.slug, scope: r.source.scope, tools: [] };
    group.tools.push(r);
    byKey.set(key, group);
  }
  return [...byKey.values()].sort((a, b) => a.slug.localeCompare(b.slug) || a.scope.localeCompare(b.scope));
}

function picker(auth: AuthContext, reachable: readonly ResolvedTool[], selected: ReadonlySet<string>, unreachable: readonly string[]): Html {
  let n = 0;
  const box = (address: string, label: Html): Html => {
    n += 1;
    return html`<label for="pick-${n}"><input id="pick-${n}" type="checkbox" name="tools" value="${address}"${selected.has(address) ? html` checked` : ""}> ${label}</label>`;
  };
  const which = (scope: string): ScopeChoice => (scope === auth.identity.org.id ? "org" : "user");
  return html`<fieldset id="picker"><legend>Tools</legend>
    <p class="muted">Each tool is picked through one connection (its account). Tools awaiting review are listed, and stay refused until granted on Sources.</p>
    ${reachable.length === 0 ? html`<p id="no-tools">You reach no tools yet: add a source and a connection first.</p>` : ""}
    ${groups(reachable).map(
      (g) => html`<fieldset data-source="${g.slug}"><legend>${g.slug} <span class="muted">(${scopeLabel(auth, which(g.scope))})</span></legend>
        ${g.tools.map((r) =>
          box(
            r.address.address,
            html`${r.tool.name} <span class="muted">via ${r.connection.name}</span> <span class="tag ${r.tool.sideEffect}">${r.tool.sideEffect}</span>${
              r.tool.status === "awaiting_review" ? html` <span class="tag">awaiting review</span>` : ""
            }`,
          ),
        )}</fieldset>`,
    )}
    ${unreachable.length
      ? html`<fieldset><legend>Selected, but not reachable by you now</legend>
          <p class="muted">Kept while checked: they expose nothing until their source and connection are back.</p>
          ${unreachable.map((a) => box(a, html`<code>${a}</code>`))}</fieldset>`
      : ""}
  </fieldset>`;
}

/** The preview, rendered by the server; the page script keeps the same elements up to date. */
export function previewSection(preview: Preview): Html {
  const count = preview.exposed.length;
  return html`<section id="preview-section" aria-labelledby="preview-title">
    <h2 id="preview-title">What this toolkit exposes</h2>
    <p class="muted">For you, through the connections you hold. A member bound to it reaches these tools through their own connections.</p>
    <p id="preview-summary" role="status">${count === 0 ? "No tools: pick some or add a pattern." : `${count} tool${count === 1 ? "" : "s"}`}</p>
    <ul id="preview">${preview.exposed.map(
      (t) => html`<li data-address="${t.address}"><code>${t.address}</code> <span class="tag ${t.sideEffect}">${t.sideEffect}</span>${
        t.status === "awaiting_review" ? html` <span class="tag">awaiting review</span>` : ""
      }</li>`,
    )}</ul>
    <ul id="preview-problems" class="error"${preview.problems.length ? "" : html` hidden`}>${preview.problems.map((p) => html`<li>${p}</li>`)}</ul>
    <p id="preview-unreachable" class="muted"${preview.unreachable.length ? "" : html` hidden`}>${preview.unreachable.length} selected tool(s) not reachable now.</p>
  </section>`;
}

export type EditorOptions = {
  action: string;
  csrf: string;
  creating: boolean;
  values: EditorValues;
  reachable: readonly ResolvedTool[];
  preview: Preview;
};

export function toolkitEditor(auth: AuthContext, opts: EditorOptions): Html {
  const { values, creating } = opts;
  const selected = new Set(values.tools);
  return html`<form id="toolkit-form" method="post" action="${opts.action}" aria-label="${creating ? "New toolkit" : "Edit toolkit"}">
    <input type="hidden" name="csrf" value="${opts.csrf}">
    ${creating
      ? html`<label for="tk-slug">Short name</label>
        <input id="tk-slug" name="slug" type="text" required value="${values.slug}" pattern="[a-z0-9][a-z0-9\\-]{0,62}" aria-describedby="tk-slug-help" placeholder="support-agent">
        <p class="muted" id="tk-slug-help">Lowercase letters, digits and dashes; it names the toolkit in its MCP URL and routes.</p>
        ${scopeSelect(auth, "tk-scope", values.scope)}`
      : ""}
    <label for="tk-title">Title</label>
    <input id="tk-title" name="title" type="text" maxlength="256" value="${values.title}">
    <label for="tk-description">Description (optional)</label>
    <textarea id="tk-description" name="description" rows="2" cols="60" maxlength="4096">${values.description}</textarea>
    ${picker(auth, opts.reachable, selected, opts.preview.unreachable)}
    <label for="tk-patterns">Patterns (optional, one a line)</label>
    <textarea id="tk-patterns" name="patterns" rows="3" cols="60" spellcheck="false" aria-describedby="tk-patterns-help">${values.patterns}</textarea>
    <p class="muted" id="tk-patterns-help">An address with <code>*</code> wildcards, such as <code>pets.${auth.identity.org.id}.*.list*</code>
      (source, scope, connection, tool). A pattern also takes in tools added later that match it.</p>
    ${previewSection(opts.preview)}
    <label for="tk-runcode"><input id="tk-runcode" name="runCode" type="checkbox" value="on"${values.runCode ? html` checked` : ""} aria-describedby="tk-runcode-help"> Allow code mode (<code>run_code</code>)</label>
    <p class="muted" id="tk-runcode-help">A credential bound to this toolkit may then run TypeScript in the sandbox. The code still reaches only this toolkit's tools, each call admitted and recorded on its own, but it can make many calls in one turn.</p>
    <button type="submit" name="intent" value="save">${creating ? "Create toolkit" : "Save changes"}</button>
    <button type="submit" name="intent" value="preview" formnovalidate>Preview</button>
  </form>`;
}
