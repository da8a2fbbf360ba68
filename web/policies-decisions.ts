import { html } from "hono/html";
import { policyLevel } from "../core/policy";
import type { AdmissionDecision, Policy } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { ToolDecision } from "../workers/invoke/visible-tools";
import type { Html } from "./layout";
import { OUTCOME_TEXT, scopeName } from "./tools-view";

// For each tool of one source: what a call by this viewer would decide now, and which rule in which
// scope decided it (DESIGN §3, outer wins), next to the other policies that apply but did not decide.

export const ACTION_TEXT: Record<Policy["action"], string> = { approve: "Allow", require_approval: "Require approval", block: "Block" };

function decidingRule(auth: AuthContext, decision: AdmissionDecision): Html {
  const { rule, decidingScope } = decision;
  if (rule === null) return html`<span class="muted">Not reached: refused before policy</span>`;
  if (rule.kind === "default") {
    return html`<span data-rule="default">No policy applies: the default (${ACTION_TEXT[rule.action].toLowerCase()})${
      decidingScope ? html`, held by ${scopeName(auth, decidingScope)}` : ""
    }</span>`;
  }
  return html`<a href="#policy-${rule.policyId}" data-rule="${rule.policyId}">${ACTION_TEXT[rule.action]}: policy <code>${rule.policyId}</code></a>
    on the ${rule.level} in ${scopeName(auth, rule.scope)}`;
}

/** The policies that apply to this tool (core/policy `policyLevel`) but were not the deciding one. */
function outweighed(auth: AuthContext, entry: ToolDecision, policies: readonly Policy[]): Html | string {
  const { resolved, decision } = entry;
  const tool = {
    source: resolved.address.source,
    scope: resolved.source.scope,
    connection: { scope: resolved.connection.scope, name: resolved.connection.name },
    name: resolved.address.tool,
    sideEffect: resolved.tool.sideEffect,
  };
  const deciding = decision.rule?.kind === "policy" ? decision.rule.policyId : null;
  const others = policies.filter((p) => p.id !== deciding && policyLevel(p, tool) !== null);
  if (others.length === 0) return "";
  return html`<ul class="muted">${others.map(
    (p) => html`<li><a href="#policy-${p.id}">${ACTION_TEXT[p.action]}: <code>${p.id}</code></a> in ${scopeName(auth, p.scope)}: applies, did not decide</li>`,
  )}</ul>`;
}

export function decisionsTable(auth: AuthContext, source: string, decisions: readonly ToolDecision[], policies: readonly Policy[]): Html {
  if (decisions.length === 0) {
    return html`<p id="no-decisions">No tool of <code>${source}</code> is reachable by you: a decision is made per connection, so add one on
      <a href="/connections?source=${source}">Connections</a>.</p>`;
  }
  return html`<table id="decisions">
    <caption class="muted">Across scopes the most restrictive rule wins (block, then require approval, then allow); an inner scope can never
      loosen an outer one. Within one scope a connection's policy overrides its source's.</caption>
    <thead><tr><th scope="col">Tool</th><th scope="col">Connection</th><th scope="col">Side effect</th><th scope="col">For you</th>
      <th scope="col">Decided by</th><th scope="col">Why</th></tr></thead>
    <tbody>${decisions.map((entry) => {
      const { resolved, decision } = entry;
      const address = resolved.address.address;
      return html`<tr data-address="${address}" data-outcome="${decision.outcome}">
        <td><a href="/tools/view?address=${encodeURIComponent(address)}">${resolved.tool.name}</a></td>
        <td><code>${resolved.connection.name}</code> <span class="muted">(${scopeName(auth, resolved.connection.scope)})</span></td>
        <td><span class="tag ${resolved.tool.sideEffect}">${resolved.tool.sideEffect}</span></td>
        <td><strong>${OUTCOME_TEXT[decision.outcome]}</strong></td>
        <td class="rule">${decidingRule(auth, decision)}${outweighed(auth, entry, policies)}</td>
        <td>${decision.reason.message}</td></tr>`;
    })}</tbody></table>`;
}
