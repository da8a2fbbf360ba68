import { html } from "hono/html";
import { z } from "zod";
import type { Run } from "../schemas";
import { RunStatus, RunSurface } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import { RunsQuery } from "../workers/gateway/routes/v1-runs";
import type { Html } from "./layout";
import { errorBox } from "./layout";
import type { People } from "./runs-format";
import { personLabel, runDuration, statusLabel, statusTag, when } from "./runs-format";

/** Rows per page: the ledger reads one page (plus one row to know there is more), never all. */
export const PAGE_SIZE = 50;

/** `datetime-local` values (the browser's `YYYY-MM-DDTHH:MM[:SS]`), read as UTC like every time shown. */
const LocalTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/, "must be a date and time (YYYY-MM-DDTHH:MM)");

const ListForm = z.object({
  status: RunStatus.optional(),
  tool: z.string().trim().max(512).optional(),
  surface: RunSurface.optional(),
  principal: z.string().max(64).optional(),
  from: LocalTime.optional(),
  to: LocalTime.optional(),
  cursor: z.string().max(20).optional(),
});
export type ListForm = z.infer<typeof ListForm>;

/** A time field as epoch ms; `to` covers its whole minute (or second), since the picker cannot say more. */
function epoch(value: string, end: boolean): number {
  const at = Date.parse(`${value}Z`);
  if (!end) return at;
  return at + (value.length <= 16 ? 59_999 : value.includes(".") ? 0 : 999);
}

/**
 * The page's query string as the `/v1/runs` query it means, validated by the same schema, so the
 * page accepts and refuses exactly what the API does. Empty fields (the form's "any") are dropped.
 */
export function readListQuery(raw: Record<string, string>): { form: ListForm; query: RunsQuery } | { form: ListForm; error: string } {
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v.trim() !== ""));
  const parsed = ListForm.safeParse(given);
  const keep: ListForm = {};
  for (const key of ["status", "tool", "surface", "principal", "from", "to"] as const) {
    if (typeof given[key] === "string") Object.assign(keep, { [key]: given[key] });
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { form: keep, error: `${issue?.path.join(".") || "filter"}: ${issue?.message ?? "invalid"}` };
  }
  const f = parsed.data;
  const query = RunsQuery.safeParse({
    ...(f.status ? { status: f.status } : {}),
    ...(f.tool ? { tool: f.tool } : {}),
    ...(f.surface ? { surface: f.surface } : {}),
    ...(f.principal ? { principal: f.principal } : {}),
    ...(f.from ? { since: epoch(f.from, false) } : {}),
    ...(f.to ? { until: epoch(f.to, true) } : {}),
    ...(f.cursor ? { cursor: f.cursor } : {}),
    limit: PAGE_SIZE,
  });
  if (!query.success) {
    const issue = query.error.issues[0];
    return { form: f, error: `${issue?.path.join(".") || "filter"}: ${issue?.message ?? "invalid"}` };
  }
  if (query.data.since !== undefined && query.data.until !== undefined && query.data.since > query.data.until) {
    return { form: f, error: "from: must be before to" };
  }
  return { form: f, query: query.data };
}

/** The link to another page of the same filtered list. */
function pageHref(form: ListForm, cursor: number | null): string {
  const params = new URLSearchParams();
  for (const key of ["status", "tool", "surface", "principal", "from", "to"] as const) {
    const v = form[key];
    if (v) params.set(key, v);
  }
  if (cursor !== null) params.set("cursor", String(cursor));
  const qs = params.toString();
  return qs ? `/runs?${qs}` : "/runs";
}

function options(values: readonly string[], selected: string | undefined, label: (v: string) => string): Html[] {
  return values.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ""}>${label(v)}</option>`);
}

function filters(auth: AuthContext, people: People, form: ListForm): Html {
  const owner = auth.identity.role === "owner";
  const known = [...people.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const principal = form.principal;
  return html`<form class="run-filters" method="get" action="/runs" aria-label="Filter Runs">
    <div><label for="f-status">Status</label><select id="f-status" name="status"><option value="">Any</option>${options(RunStatus.options, form.status, (s) => statusLabel(s as Run["status"]))}</select></div>
    <div class="wide"><label for="f-tool">Tool address</label><input id="f-tool" name="tool" type="text" value="${form.tool ?? ""}" placeholder="source.scope.connection.tool" spellcheck="false"></div>
    <div><label for="f-surface">Surface</label><select id="f-surface" name="surface"><option value="">Any</option>${options(RunSurface.options, form.surface, (s) => s)}</select></div>
    ${owner
      ? html`<div><label for="f-principal">Person</label><select id="f-principal" name="principal"><option value="">Everyone</option>${known.map(
          ([id, email]) => html`<option value="${id}"${id === principal ? html` selected` : ""}>${email}</option>`,
        )}${principal && !people.has(principal) ? html`<option value="${principal}" selected>${principal}</option>` : ""}</select></div>`
      : ""}
    <div><label for="f-from">From (UTC)</label><input id="f-from" name="from" type="datetime-local" value="${form.from ?? ""}"></div>
    <div><label for="f-to">To (UTC)</label><input id="f-to" name="to" type="datetime-local" value="${form.to ?? ""}"></div>
    <div class="actions"><button type="submit">Filter</button> <a href="/runs">Clear</a></div>
  </form>`;
}

function row(run: Run, people: People): Html {
  return html`<tr>
    <td><a href="/runs/${run.id}">${when(run.createdAt)}</a></td>
    <td>${statusTag(run.status)}</td>
    <td><code class="address">${run.address}</code></td>
    <td>${run.surface}</td>
    <td>${personLabel(people, run.principal.userId)}</td>
    <td class="num">${runDuration(run)}</td>
  </tr>`;
}

export type ListView = {
  auth: AuthContext;
  people: People;
  form: ListForm;
  runs: Run[];
  nextCursor: number | null;
  error?: string;
};

/** The Runs list: filters, one page of rows newest first, and the link to the next (older) page. */
export function listBody(v: ListView): Html {
  const owner = v.auth.identity.role === "owner";
  const filtered = Boolean(v.form.status || v.form.tool || v.form.surface || v.form.principal || v.form.from || v.form.to);
  return html`<h1>Runs</h1>
    <p class="muted">Every call on every surface, newest first. ${owner ? "As an owner you see everyone's Runs in the organization." : "You see the Runs you made."}</p>
    <form class="inline" method="get" action="/runs/verify"><button type="submit" id="verify">Verify the chain</button></form>
    ${filters(v.auth, v.people, v.form)}${errorBox(v.error)}
    ${v.runs.length
      ? html`<table id="runs"><caption class="muted">${v.runs.length} Run${v.runs.length === 1 ? "" : "s"}${v.form.cursor ? ", older page" : ""}</caption>
          <thead><tr><th scope="col">Time</th><th scope="col">Status</th><th scope="col">Tool</th><th scope="col">Surface</th><th scope="col">Person</th><th scope="col">Duration</th></tr></thead>
          <tbody>${v.runs.map((r) => row(r, v.people))}</tbody></table>`
      : v.error
        ? ""
        : html`<p id="empty">${filtered || v.form.cursor ? "No Runs match these filters." : "No Runs yet: every call made through Executor appears here."}</p>`}
    <nav class="pager" aria-label="Pages">${v.form.cursor ? html`<a href="${pageHref(v.form, null)}">Newest</a>` : ""}${v.nextCursor !== null
      ? html`<a id="older" href="${pageHref(v.form, v.nextCursor)}">Older Runs</a>`
      : ""}</nav>`;
}
