import { html } from "hono/html";
import type { CatalogTool } from "../durable-objects/scope-catalog/rows";
import type { ToolSyncReport } from "../durable-objects/scope-catalog/sources";
import type { Source } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { ScopeChoice } from "../workers/gateway/catalog/scope-access";
import type { Html, SignedIn } from "./layout";
import { errorBox, page } from "./layout";
import { isBuiltIn, mayChange, scopeLabel, sourceLocation } from "./sources-common";

export type ShownTool = Omit<CatalogTool, "invocation">;
export type DetailOptions = { report?: ToolSyncReport | undefined; notice?: string | undefined; error?: string | undefined };

/** A tool's review state in words (DESIGN invariant 6: new and moved tools are ungranted, changed ones flagged). */
function statusOf(tool: ShownTool): Html {
  if (tool.moved) {
    return html`awaiting review: moved${tool.granted ? html` (granted for <code>${tool.granted.destination}</code>)` : ""}`;
  }
  if (tool.status === "awaiting_review") return html`awaiting review: new`;
  return tool.changed ? html`granted; definition changed since` : html`granted`;
}

/** Needs review first (moved, new, changed), then the rest; each group by name as the catalog lists them. */
function reviewOrder(tool: ShownTool): number {
  if (tool.moved) return 0;
  if (tool.status === "awaiting_review") return 1;
  return tool.changed ? 2 : 3;
}

function grantButton(slug: string, which: ScopeChoice, csrf: string, tool: ShownTool): Html | string {
  const grant = tool.status === "awaiting_review";
  if (!csrf || (!grant && !tool.changed)) return "";
  const label = grant ? "Grant" : "Mark reviewed";
  return html`<form class="inline" method="post" action="/sources/${slug}/grant?scope=${which}">
    <input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="tool" value="${tool.name}">
    <button type="submit" aria-label="${label} ${tool.name}">${label}</button></form>`;
}

function brief(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function toolRows(source: Source, which: ScopeChoice, csrf: string, tools: ShownTool[]): Html {
  const ordered = [...tools].sort((a, b) => reviewOrder(a) - reviewOrder(b));
  return html`<table id="tools">
    <thead><tr><th scope="col">Tool</th><th scope="col">Effect</th><th scope="col">Status</th><th scope="col">Sends to</th>
      <th scope="col">Description</th><th scope="col"><span class="muted">Review</span></th></tr></thead>
    <tbody>${ordered.map(
      (t) => html`<tr id="tool-${t.name}" data-tool="${t.name}" data-status="${t.status}">
        <td><code>${t.name}</code></td><td><span class="tag ${t.sideEffect}">${t.sideEffect}</span></td>
        <td class="status">${statusOf(t)}</td><td>${t.destination ? html`<code>${t.destination}</code>` : ""}</td>
        <td>${brief(t.description)}</td><td>${grantButton(source.slug, which, csrf, t)}</td></tr>`,
    )}</tbody></table>`;
}

/** The review diff a refresh answered: added and moved tools arrive ungranted, changed ones keep their grant, flagged. */
function refreshReport(source: Source, which: ScopeChoice, csrf: string, report: ToolSyncReport, tools: ShownTool[]): Html {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const item = (name: string): Html => {
    const tool = byName.get(name);
    return html`<li><code>${name}</code>${tool ? html` ${tool.destination ? html`→ <code>${tool.destination}</code>` : ""} ${grantButton(source.slug, which, csrf, tool)}` : ""}</li>`;
  };
  const group = (id: string, title: string, explain: string, names: string[]): Html | string =>
    names.length ? html`<h3 id="${id}">${title} (${names.length})</h3><p class="muted">${explain}</p><ul aria-labelledby="${id}">${names.map(item)}</ul>` : "";
  const nothing = report.added.length + report.changed.length + report.moved.length + report.removed.length === 0;
  return html`<section id="refresh-report" aria-labelledby="refresh-title">
    <h2 id="refresh-title">What this refresh changed</h2>
    ${nothing ? html`<p>Nothing changed: the upstream describes the same ${report.unchanged} tools as before.</p>` : html`<p>${report.unchanged} tools are unchanged.</p>`}
    ${group("report-added", "Added", "New operations. They cannot be called until you grant them.", report.added)}
    ${group("report-moved", "Moved", "Where these send their request or credential changed, so their grant was withdrawn. Grant them again if the new destination is right.", report.moved)}
    ${group("report-changed", "Changed", "Their description or schemas changed but not where they send the credential, so they stay granted; mark them reviewed once you have looked.", report.changed)}
    ${report.removed.length ? html`<h3 id="report-removed">Removed (${report.removed.length})</h3><ul aria-labelledby="report-removed">${report.removed.map((n) => html`<li><code>${n}</code></li>`)}</ul>` : ""}
  </section>`;
}

export function sourceDetailPage(auth: AuthContext, who: SignedIn, source: Source, which: ScopeChoice, tools: ShownTool[], opts: DetailOptions): Html {
  const awaiting = tools.filter((t) => t.status === "awaiting_review").length;
  const action = (verb: string): string => `/sources/${source.slug}/${verb}?scope=${which}`;
  const changes = mayChange(auth, which) && !isBuiltIn(source);
  // Without the right to review, no grant buttons: an empty token leaves them out.
  const csrf = mayChange(auth, which) ? who.csrf : "";
  return page(
    source.title,
    html`<p><a href="/sources">Sources</a></p>
      <h1>${source.title}</h1>
      ${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ""}${errorBox(opts.error)}
      <table id="source-facts">
        <tr><th scope="row">Short name</th><td><code>${source.slug}</code></td></tr>
        <tr><th scope="row">Kind</th><td>${source.kind}</td></tr>
        <tr><th scope="row">Placed in</th><td>${scopeLabel(auth, which)}</td></tr>
        <tr><th scope="row">Described by</th><td>${sourceLocation(source)}</td></tr>
        ${source.local ? html`<tr><th scope="row">Local</th><td>loopback http allowed (development only)</td></tr>` : ""}
        <tr><th scope="row">Tools</th><td id="tool-count">${tools.length}${awaiting ? html`, <strong>${awaiting} awaiting review</strong>` : ""}</td></tr>
        <tr><th scope="row">Updated</th><td>${new Date(source.updatedAt).toISOString().slice(0, 16).replace("T", " ")} UTC</td></tr>
      </table>
      ${changes
        ? html`<form class="inline" method="post" action="${action("refresh")}"><input type="hidden" name="csrf" value="${who.csrf}">
            <button type="submit">Refresh from ${source.config.document === true ? "the stored document" : "the upstream"}</button></form>
          <a href="/connections?source=${source.slug}">Connections for this source</a>
          <form class="inline" method="post" action="${action("remove")}" data-confirm="Remove ${source.title} with its ${tools.length} tools, its connections and its policies? This cannot be undone.">
            <input type="hidden" name="csrf" value="${who.csrf}"><button type="submit">Remove source</button></form>`
        : source.kind === "custom"
          ? html`<p id="deployed">Deployed from git: these tools are code, run in a sandbox with no network and no
              secrets, with no more authority than their author had. They change only by a deploy or a rollback; see the
              <a href="/artifacts?scope=${which}">Artifacts</a> page for their history.</p>`
        : isBuiltIn(source)
          ? html`<p id="built-in">Built in: this organization's own management actions (sources, connections, policies,
              toolkits, Runs) as tools. They change with the platform, so this source is never refreshed or removed;
              what may call them is governed like any source, with policies and toolkits, and by default every write waits
              for a person's approval.</p>`
          : html`<p id="read-only">Only an owner of the organization can refresh, review or remove this source.
              <a href="/connections?source=${source.slug}">Connections for this source</a></p>`}
      ${opts.report ? refreshReport(source, which, csrf, opts.report, tools) : ""}
      <h2>Tools</h2>
      ${tools.length ? toolRows(source, which, csrf, tools) : html`<p>This source describes no tools.</p>`}`,
    who,
    { active: "/sources", scripts: ["app.js"] },
  );
}
