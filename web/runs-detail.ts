import { html } from "hono/html";
import type { JsonValue, Run } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import { mayDecide } from "../workers/invoke/approvals";
import type { Html } from "./layout";
import { errorBox } from "./layout";
import type { People } from "./runs-format";
import { durationText, personLabel, prettyJson, runDuration, statusTag, when } from "./runs-format";

/**
 * Characters of arguments or output shown on the page; the rest is one click away, in pages. Long
 * blocks scroll (runs.css), so each `pre` takes focus: WCAG 2.1.1, a keyboard can scroll them too.
 */
export const SHOWN_CHARS = 64 * 1024;

export type RunView = {
  auth: AuthContext;
  people: People;
  run: Run;
  /** The call's arguments (a code Run's code): only ever passed for a viewer who may see the Run. */
  input: JsonValue | null;
  /** The Runs this Run's code made, when it ran code. */
  children: Run[] | null;
  moreChildren: boolean;
  csrf: string;
  error?: string;
  notice?: string;
};

function hash(value: string | null): Html | string {
  return value ? html`<code class="hash">${value}</code>` : html`<span class="muted">none</span>`;
}

function ruleText(run: Run): Html | string {
  const rule = run.admission.rule;
  if (!rule) return html`<span class="muted">none (decided before policy: ${run.admission.reason.code})</span>`;
  if (rule.kind === "default") return html`the plugin's default: <code>${rule.action}</code>`;
  return html`policy <code>${rule.policyId}</code> on the ${rule.level} in <code>${rule.scope}</code>: <code>${rule.action}</code>`;
}

function decisionForm(v: RunView): Html | string {
  if (v.run.status !== "pending_approval") return "";
  if (!mayDecide(v.auth, v.run)) return html`<p id="undecidable">This call waits for approval by a member of <code>${v.run.admission.decidingScope ?? "the deciding scope"}</code>.</p>`;
  return html`<section aria-labelledby="decide-h"><h2 id="decide-h">Decide</h2>
    <p>Approving runs the call once, with exactly the arguments below (bound by the input hash).</p>
    <form method="post" action="/runs/${v.run.id}/decision">
      <input type="hidden" name="csrf" value="${v.csrf}">
      <label for="comment">Comment (optional)</label><input id="comment" name="comment" type="text" maxlength="2048">
      <button name="decision" value="approve" type="submit">Approve and run</button>
      <button name="decision" value="deny" type="submit">Deny</button>
    </form></section>`;
}

function output(run: Run): Html {
  const out = run.output;
  let body: Html | string = html`<p class="muted">No output${run.status === "succeeded" ? "" : " (the call has not produced one)"}.</p>`;
  if (out?.kind === "inline") {
    const shown = prettyJson(out.value, SHOWN_CHARS);
    body = html`<pre id="output" tabindex="0">${shown.text}</pre>${shown.cut ? html`<p>Shown in part. <a href="/runs/${run.id}/output">Read the whole output</a>.</p>` : ""}`;
  } else if (out?.kind === "handle") {
    body = html`<p id="output-handle">Stored beside the Run as handle <code>${out.handle}</code>: ${out.bytes.toLocaleString("en")} bytes,
      SHA-256 <code class="hash">${out.sha256}</code>.</p><p><a id="read-output" href="/runs/${run.id}/output">Read the output in pages</a></p>`;
  }
  const error = run.error
    ? html`<h3>Error</h3><p id="run-error" class="error"><code>${run.error.code}</code>: ${run.error.message}</p>`
    : "";
  return html`<section aria-labelledby="output-h"><h2 id="output-h">Output</h2>${body}${error}</section>`;
}

function approvals(v: RunView): Html {
  const list = v.run.approvals;
  return html`<section aria-labelledby="approvals-h"><h2 id="approvals-h">Approvals</h2>${list.length
    ? html`<table id="approvals"><thead><tr><th scope="col">Decision</th><th scope="col">By</th><th scope="col">At</th><th scope="col">Comment</th></tr></thead><tbody>${list.map(
        (a) => html`<tr><td>${a.decision === "approve" ? "approved" : "denied"}</td><td>${personLabel(v.people, a.by)}</td><td>${when(a.at)}</td><td>${a.comment ?? ""}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">None${v.run.admission.outcome === "require_approval" ? " yet" : ": this call did not need approval"}.</p>`}</section>`;
}

function children(v: RunView): Html | string {
  if (v.children === null) return "";
  return html`<section aria-labelledby="children-h"><h2 id="children-h">Calls made by this code</h2>${v.children.length
    ? html`<table id="children"><thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Tool</th><th scope="col">Duration</th></tr></thead><tbody>${v.children.map(
        (r) => html`<tr><td><a href="/runs/${r.id}">${r.id}</a></td><td>${statusTag(r.status)}</td><td><code class="address">${r.address}</code></td><td class="num">${runDuration(r)}</td></tr>`,
      )}</tbody></table>${v.moreChildren ? html`<p class="muted">Showing the newest ${v.children.length}; the code made more.</p>` : ""}`
    : html`<p class="muted" id="no-children">The code made no tool calls.</p>`}</section>`;
}

function timings(run: Run): Html {
  const waited = run.startedAt !== null ? durationText(Math.max(0, run.startedAt - run.createdAt)) : "—";
  return html`<tr><th scope="row">Created</th><td>${when(run.createdAt)}</td></tr>
    <tr><th scope="row">Started</th><td>${when(run.startedAt)} <span class="muted">(after ${waited})</span></td></tr>
    <tr><th scope="row">Finished</th><td>${when(run.finishedAt)}</td></tr>
    <tr><th scope="row">Duration</th><td>${runDuration(run)}</td></tr>
    <tr><th scope="row">Retries</th><td>${run.retries}</td></tr>`;
}

/** Everything a Run records, for a viewer who may see it (canSeeRun, checked by the caller). */
export function runBody(v: RunView): Html {
  const { run } = v;
  const args = v.input === null ? null : prettyJson(v.input, SHOWN_CHARS);
  return html`<p><a href="/runs">← All Runs</a></p>
    <h1>Run <code>${run.id}</code> ${statusTag(run.status)}</h1>
    ${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ""}${errorBox(v.error)}
    ${decisionForm(v)}
    <table class="facts" id="summary"><tbody>
      <tr><th scope="row">Tool</th><td><code class="address">${run.address}</code></td></tr>
      <tr><th scope="row">Status</th><td id="status">${run.status}</td></tr>
      <tr><th scope="row">Surface</th><td>${run.surface}</td></tr>
      <tr><th scope="row">Parent Run</th><td>${run.parentRunId ? html`<a id="parent" href="/runs/${run.parentRunId}">${run.parentRunId}</a>` : html`<span class="muted">none</span>`}</td></tr>
      ${timings(run)}
    </tbody></table>
    <section aria-labelledby="who-h"><h2 id="who-h">Who</h2><table class="facts"><tbody>
      <tr><th scope="row">Person</th><td>${personLabel(v.people, run.principal.userId)}</td></tr>
      <tr><th scope="row">Credential</th><td>${run.principal.kind} <code>${run.principal.credentialId}</code></td></tr>
      <tr><th scope="row">Scope chain</th><td>${run.scopeChain.map((s, i) => html`${i ? " → " : ""}<code>${s}</code>`)}</td></tr>
      <tr><th scope="row">Capabilities</th><td>${run.capabilities.length ? run.capabilities.map((c, i) => html`${i ? ", " : ""}<code>${c}</code>`) : "whole scope (no toolkit)"}</td></tr>
    </tbody></table></section>
    <section aria-labelledby="admission-h"><h2 id="admission-h">Admission</h2><table class="facts"><tbody>
      <tr><th scope="row">Decision</th><td id="admission-outcome"><code>${run.admission.outcome}</code></td></tr>
      <tr><th scope="row">Reason</th><td id="admission-reason">${run.admission.reason.message} <span class="muted">(<code>${run.admission.reason.code}</code>)</span></td></tr>
      <tr><th scope="row">Rule</th><td>${ruleText(run)}</td></tr>
      <tr><th scope="row">Deciding scope</th><td>${run.admission.decidingScope ? html`<code>${run.admission.decidingScope}</code>` : html`<span class="muted">none</span>`}</td></tr>
      <tr><th scope="row">Policy version</th><td><code>${run.policyVersion}</code></td></tr>
    </tbody></table></section>
    <section aria-labelledby="evidence-h"><h2 id="evidence-h">Evidence</h2><table class="facts"><tbody>
      <tr><th scope="row">Input hash</th><td id="input-hash">${hash(run.inputHash)}</td></tr>
      <tr><th scope="row">Tool hash</th><td>${hash(run.toolHash)}</td></tr>
      <tr><th scope="row">Artifact version</th><td>${run.artifactVersion ? html`<code class="hash">${run.artifactVersion}</code>` : html`<span class="muted">none</span>`}</td></tr>
      <tr><th scope="row">Sandbox class</th><td>${run.sandbox ? html`<code>${run.sandbox}</code>` : html`<span class="muted">none (no code ran)</span>`}</td></tr>
      <tr><th scope="row">Loopback egress</th><td>${run.localEgress ? "allowed (the source is marked local; development only)" : "no"}</td></tr>
      <tr><th scope="row">Evidence hash</th><td id="evidence-hash">${hash(run.evidenceHash)}</td></tr>
      <tr><th scope="row">Previous hash</th><td id="prev-hash">${hash(run.prevHash)}</td></tr>
    </tbody></table></section>
    <section aria-labelledby="args-h"><h2 id="args-h">${run.sandbox ? "Code" : "Arguments"}</h2>${args
      ? html`<pre id="arguments" tabindex="0">${args.text}</pre>${args.cut ? html`<p class="muted">Shown in part (the first ${SHOWN_CHARS.toLocaleString("en")} characters).</p>` : ""}`
      : html`<p class="muted">Not kept: a refused call keeps only the input hash above.</p>`}</section>
    ${output(run)}
    ${approvals(v)}
    ${run.logs?.length ? html`<section aria-labelledby="logs-h"><h2 id="logs-h">Logs</h2><pre id="logs" tabindex="0">${run.logs.join("\n")}</pre></section>` : ""}
    ${children(v)}`;
}
