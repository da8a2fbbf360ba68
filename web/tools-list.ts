import { html } from "hono/html";
import type { SideEffect, ToolStatus } from "../schemas";
import type { SearchPage } from "../workers/invoke/search";
import type { Html, SignedIn } from "./layout";
import { page } from "./layout";

// Tool search: the ranked search `GET /v1/tools` answers, with facets, as a list of links.

export type ToolQuery = { q: string; source?: string | undefined; sideEffect?: SideEffect | undefined; status?: ToolStatus | undefined; cursor: number; limit: number };

/** Results a page shows unless `?limit=` (1 to 100, as on `GET /v1/tools`) says otherwise. */
export const PAGE_SIZE = 25;

const SIDE_EFFECTS: Array<[SideEffect, string]> = [
  ["read", "Read (changes nothing)"],
  ["write", "Write"],
  ["destructive", "Destructive"],
];
const STATUSES: Array<[ToolStatus, string]> = [
  ["granted", "Granted"],
  ["awaiting_review", "Awaiting review"],
];

function option(value: string, label: string, selected: string | undefined): Html {
  return html`<option value="${value}"${selected === value ? html` selected` : ""}>${label}</option>`;
}

/** `/tools?…` for this query at another cursor: the facets are kept while paging. */
export function searchHref(query: ToolQuery, cursor: number): string {
  const params = new URLSearchParams();
  if (query.q) params.set("q", query.q);
  if (query.source) params.set("source", query.source);
  if (query.sideEffect) params.set("sideEffect", query.sideEffect);
  if (query.status) params.set("status", query.status);
  if (query.limit !== PAGE_SIZE) params.set("limit", String(query.limit));
  if (cursor > 0) params.set("cursor", String(cursor));
  const text = params.toString();
  return text ? `/tools?${text}` : "/tools";
}

function results(query: ToolQuery, found: SearchPage): Html {
  if (found.tools.length === 0) {
    return html`<p id="no-results" role="status">${query.cursor > 0 ? "No more tools." : "No tool matches. Try fewer words or another facet; tools come from sources with a connection."}</p>`;
  }
  const first = query.cursor + 1;
  const last = query.cursor + found.tools.length;
  return html`<p role="status" id="result-count">Tools ${first} to ${last}${found.nextCursor !== null ? " (more on the next page)" : ""}, best match first.</p>
    <ol id="results" start="${first}">
      ${found.tools.map(
        (t) => html`<li><a href="/tools/view?address=${encodeURIComponent(t.address)}"><strong>${t.name}</strong> from ${t.source}</a>
          <span class="tag ${t.sideEffect}">${t.sideEffect}</span>${t.status === "awaiting_review" ? html` <span class="tag">awaiting review</span>` : ""}
          <span class="muted">via connection <code>${t.connection.name}</code></span><br>
          <span class="muted">${(t.description.split("\n")[0] ?? "").slice(0, 200)}</span></li>`,
      )}
    </ol>
    <nav aria-label="Result pages"><p>
      ${query.cursor > 0 ? html`<a rel="prev" href="${searchHref(query, Math.max(0, query.cursor - query.limit))}">Previous page</a>` : ""}
      ${found.nextCursor !== null ? html` <a rel="next" href="${searchHref(query, found.nextCursor)}">Next page</a>` : ""}
    </p></nav>`;
}

export function toolsListPage(who: SignedIn, sources: string[], query: ToolQuery, found: SearchPage): Html {
  return page(
    "Tools",
    html`<h1>Tools</h1>
      <p>Every tool you can call, once per connection that reaches it. Open one to read its schemas and try it:
        a try is a real call, governed and recorded like any other.</p>
      <form method="get" action="/tools" role="search" aria-label="Tools">
        <label for="q">Search tools</label>
        <input id="q" name="q" type="search" value="${query.q}" maxlength="512" autofocus aria-describedby="q-help">
        <p class="muted" id="q-help">Words from a tool's name, parameters or description, such as “list pets”. Empty lists every tool.</p>
        <fieldset><legend>Only show</legend>
          <label for="f-source">Source</label>
          <select id="f-source" name="source">${option("", "Any source", query.source)}${sources.map((s) => option(s, s, query.source))}</select>
          <label for="f-side">Side effect</label>
          <select id="f-side" name="sideEffect">${option("", "Any side effect", query.sideEffect)}${SIDE_EFFECTS.map(([v, l]) => option(v, l, query.sideEffect))}</select>
          <label for="f-status">Review</label>
          <select id="f-status" name="status">${option("", "Any review status", query.status)}${STATUSES.map(([v, l]) => option(v, l, query.status))}</select>
        </fieldset>
        ${query.limit !== PAGE_SIZE ? html`<input type="hidden" name="limit" value="${query.limit}">` : ""}
        <button type="submit">Search</button>
      </form>
      ${results(query, found)}`,
    who,
    { active: "/tools" },
  );
}
