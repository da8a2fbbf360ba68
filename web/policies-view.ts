import { html } from "hono/html";
import type { Policy, PolicyAction } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { ScopeChoice } from "../workers/gateway/catalog/scope-access";
import type { VisibleConnection } from "../workers/invoke/catalog-view";
import type { ToolDecision } from "../workers/invoke/visible-tools";
import type { Html, SignedIn } from "./layout";
import { errorBox, page } from "./layout";
import { ACTION_TEXT, decisionsTable } from "./policies-decisions";
import { scopeSelect, whichScope } from "./sources-common";
import { scopeName } from "./tools-view";

// The Policies page: every policy per source and connection, the form that adds one, and for one
// chosen source the decision each of its tools gets for the viewer.

export type PolicyFormValues = { scope?: ScopeChoice; source?: string; connection?: string; tools?: string; action?: PolicyAction; forbidSelfApproval?: boolean };

export type PoliciesPageData = {
  policies: Policy[];
  sources: string[];
  connections: VisibleConnection[];
  chosen: string | undefined;
  decisions: { decisions: ToolDecision[]; policies: Policy[] } | null;
  values: PolicyFormValues;
  error?: string | undefined;
  notice?: string | undefined;
};

const ACTIONS: Array<[PolicyAction, string]> = [
  ["block", "Every call is refused, and the refusal recorded as a Run."],
  ["require_approval", "Each call waits for a person who holds the deciding scope; nothing is sent until they approve."],
  [
    "approve",
    "Calls run without asking. In the source's own scope or an outer one this also lifts the default approval of destructive tools; it never loosens a block or an approval an outer scope requires.",
  ],
];

/** A connection as a form value: the scope it belongs to and its name (schemas/policy.ts PolicyTarget). */
export function connectionValue(v: Pick<VisibleConnection["connection"], "scope" | "name">): string {
  return `${v.scope}/${v.name}`;
}

function mayDelete(auth: AuthContext, policy: Policy): boolean {
  return policy.scope === auth.identity.user.id || auth.identity.role === "owner";
}

function policyRow(auth: AuthContext, csrf: string, policy: Policy, source: string): Html {
  const { target } = policy;
  return html`<tr id="policy-${policy.id}" data-policy="${policy.id}">
    <td>${scopeName(auth, policy.scope)}</td>
    <td>${target.connection ? html`<code>${target.connection.name}</code> <span class="muted">(${scopeName(auth, target.connection.scope)})</span>` : "Every connection"}</td>
    <td><code>${target.tools}</code></td>
    <td><strong>${ACTION_TEXT[policy.action]}</strong>${policy.forbidSelfApproval ? html`<br><span class="muted">not by the caller</span>` : ""}</td>
    <td><code>${policy.id}</code></td>
    <td>${mayDelete(auth, policy)
      ? html`<form class="inline" method="post" action="/policies/${policy.id}/delete?scope=${whichScope(auth, policy.scope)}&amp;source=${source}"
          data-confirm="Delete policy ${policy.id}? Calls are then decided without it.">
          <input type="hidden" name="csrf" value="${csrf}"><button type="submit" aria-label="Delete policy ${policy.id}">Delete</button></form>`
      : html`<span class="muted">owners only</span>`}</td></tr>`;
}

function policyTables(auth: AuthContext, csrf: string, policies: Policy[]): Html {
  if (policies.length === 0) return html`<p id="no-policies">No policies yet: every call gets its tool's default (destructive tools need approval, the rest run).</p>`;
  const sources = [...new Set(policies.map((p) => p.target.source))].sort();
  return html`${sources.map((source) => {
    // Whole-source policies first, then per connection: the order in which they are read (§3).
    const rows = policies
      .filter((p) => p.target.source === source)
      .sort((a, b) => Number(a.target.connection !== undefined) - Number(b.target.connection !== undefined) || (a.target.connection?.name ?? "").localeCompare(b.target.connection?.name ?? ""));
    return html`<h3 id="policies-${source}">${source}</h3>
      <table data-source="${source}"><thead><tr><th scope="col">Placed in</th><th scope="col">Connection</th><th scope="col">Tools</th>
        <th scope="col">Action</th><th scope="col">Id</th><th scope="col"><span class="muted">Remove</span></th></tr></thead>
      <tbody>${rows.map((p) => policyRow(auth, csrf, p, source))}</tbody></table>`;
  })}`;
}

function createForm(auth: AuthContext, csrf: string, data: PoliciesPageData): Html {
  const v = data.values;
  const action = v.action ?? "require_approval";
  return html`<form method="post" action="/policies" aria-labelledby="add-policy">
    <h2 id="add-policy">Add a policy</h2>
    <input type="hidden" name="csrf" value="${csrf}">
    ${scopeSelect(auth, "p-scope", v.scope)}
    <label for="p-source">Source</label>
    <select id="p-source" name="source" required>${data.sources.map(
      (s) => html`<option value="${s}"${(v.source ?? data.chosen) === s ? html` selected` : ""}>${s}</option>`,
    )}</select>
    <label for="p-connection">Connection</label>
    <select id="p-connection" name="connection" aria-describedby="p-connection-help">
      <option value="">Every connection of the source</option>
      ${data.connections.map((c) => {
        const value = connectionValue(c.connection);
        return html`<option value="${value}"${v.connection === value ? html` selected` : ""}>${c.source.slug}: ${c.connection.name} (${scopeName(auth, c.connection.scope)})</option>`;
      })}
    </select>
    <p class="muted" id="p-connection-help">Within one scope a connection's policy overrides the source's.</p>
    <label for="p-tools">Tools</label>
    <input id="p-tools" name="tools" type="text" required maxlength="128" value="${v.tools ?? "*"}" spellcheck="false" aria-describedby="p-tools-help">
    <p class="muted" id="p-tools-help">A tool name, or a glob where <code>*</code> matches anything: <code>*</code>, <code>delete*</code>, <code>repos/*</code>.</p>
    <fieldset><legend>Action</legend>
      ${ACTIONS.map(
        ([value, help]) => html`<label for="p-action-${value}"><input id="p-action-${value}" type="radio" name="action" value="${value}"${action === value ? html` checked` : ""}
          aria-describedby="p-action-${value}-help"> ${ACTION_TEXT[value]}</label><p class="muted" id="p-action-${value}-help">${help}</p>`,
      )}
    </fieldset>
    <label for="p-self"><input id="p-self" type="checkbox" name="forbidSelfApproval" value="on"${v.forbidSelfApproval ? html` checked` : ""}
      aria-describedby="p-self-help"> The caller may not approve their own call</label>
    <p class="muted" id="p-self-help">Separation of duties: when this policy asks for approval, someone else must give it.</p>
    <button type="submit">Add policy</button>
  </form>`;
}

function decisionsSection(auth: AuthContext, data: PoliciesPageData): Html {
  return html`<h2 id="decisions-title">What each tool gets, for you</h2>
    <form method="get" action="/policies#decisions-title" aria-label="Choose a source">
      <label for="d-source">Source</label>
      <select id="d-source" name="source">${data.sources.map((s) => html`<option value="${s}"${data.chosen === s ? html` selected` : ""}>${s}</option>`)}</select>
      <button type="submit">Show decisions</button>
    </form>
    ${data.chosen && data.decisions ? decisionsTable(auth, data.chosen, data.decisions.decisions, data.decisions.policies) : ""}`;
}

export function policiesPage(auth: AuthContext, who: SignedIn, data: PoliciesPageData): Html {
  return page(
    "Policies",
    html`<h1>Policies</h1>
      <p>A policy allows, requires approval for, or blocks the tools of a source, or of one of its connections, in a scope.
        The organization's policies bind everyone in it; yours only add to them, never loosen them.</p>
      ${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ""}${errorBox(data.error)}
      ${data.sources.length ? decisionsSection(auth, data) : html`<p>No sources yet: add one on <a href="/sources">Sources</a>.</p>`}
      <h2>Policies in your scopes</h2>
      ${policyTables(auth, who.csrf, data.policies)}
      ${data.sources.length ? createForm(auth, who.csrf, data) : ""}`,
    who,
    { active: "/policies", scripts: ["app.js"] },
  );
}
