import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { SideEffect, Slug, ToolStatus } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { AppEnv } from "../workers/gateway/env";
import { resumeRefs } from "../workers/gateway/respond";
import { callTool } from "../workers/invoke/call";
import { visibleConnections } from "../workers/invoke/catalog-view";
import type { Description } from "../workers/invoke/describe";
import { describeTool } from "../workers/invoke/describe";
import { searchVisible } from "../workers/invoke/search";
import { formAction, readForm } from "./forms";
import { htmlOnError, signedIn } from "./sources-common";
import { loginRedirect, pageAuth } from "./session";
import type { ToolQuery } from "./tools-list";
import { PAGE_SIZE, toolsListPage } from "./tools-list";
import type { Field, TryValues } from "./tools-try";
import { argumentsFrom, flatFields, outcomeSection } from "./tools-try";
import type { ViewOptions } from "./tools-view";
import { toolPage } from "./tools-view";

/** Every field of a try-it post is text: the fields, the JSON, the mode and the attempt id. */
const TryForm = z.record(z.string(), z.string().max(64 * 1024));
const ATTEMPT = /^[0-9a-f-]{36}$/;

/** The query as `GET /v1/tools` reads it; a facet that is not one of its values is simply not applied. */
function toolQuery(c: Context<AppEnv>): ToolQuery {
  const source = Slug.safeParse(c.req.query("source"));
  const sideEffect = SideEffect.safeParse(c.req.query("sideEffect"));
  const status = ToolStatus.safeParse(c.req.query("status"));
  const cursor = z.coerce.number().int().min(0).max(100_000).safeParse(c.req.query("cursor") ?? "0");
  const limit = z.coerce.number().int().min(1).max(100).safeParse(c.req.query("limit") ?? String(PAGE_SIZE));
  return {
    q: (c.req.query("q") ?? "").trim().slice(0, 512),
    source: source.success ? source.data : undefined,
    sideEffect: sideEffect.success ? sideEffect.data : undefined,
    status: status.success ? status.data : undefined,
    cursor: cursor.success ? cursor.data : 0,
    limit: limit.success ? limit.data : PAGE_SIZE,
  };
}

function modeFor(requested: string | undefined, fields: Field[] | null): TryValues["mode"] {
  if (fields === null) return "json";
  return requested === "json" ? "json" : "fields";
}

function render(c: Context<AppEnv>, auth: AuthContext, described: Description, opts: ViewOptions, status = 200): Response | Promise<Response> {
  c.header("cache-control", "no-store");
  return c.html(toolPage(auth, signedIn(c, auth), described, opts), status as 200);
}

/** Tools: search with facets, each tool's page, and try-it through the one invocation path (surface `web`). */
export const toolsPages = new Hono<AppEnv>()
  .get("/tools", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const query = toolQuery(c);
    const [found, visible] = await Promise.all([
      searchVisible(c.env, auth.principal, { query: query.q, source: query.source, sideEffect: query.sideEffect, status: query.status, limit: query.limit, cursor: query.cursor }),
      visibleConnections(c.env, auth.principal),
    ]);
    const sources = [...new Set(visible.map((v) => v.source.slug))].sort();
    c.header("cache-control", "no-store");
    return c.html(toolsListPage(signedIn(c, auth), sources, query, found));
  })
  .get("/tools/view", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return htmlOnError(c, auth, "/tools", async () => {
      const described = await describeTool(c.env, auth.principal, c.req.query("address") ?? "");
      const fields = flatFields(described.tool.inputSchema);
      return render(c, auth, described, { fields, values: { mode: modeFor(c.req.query("mode"), fields), form: {} } });
    });
  })
  .post("/tools/view", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return htmlOnError(c, auth, "/tools", async () => {
      // Describe first: a tool this viewer cannot see is a 404 page, exactly like its GET.
      const described = await describeTool(c.env, auth.principal, c.req.query("address") ?? "");
      const fields = flatFields(described.tool.inputSchema);
      let values: TryValues = { mode: modeFor(undefined, fields), form: {} };
      return formAction(
        async () => {
          const { attempt, ...form } = await readForm(c, TryForm);
          values = { mode: modeFor(form.mode, fields), form };
          const outcome = await callTool(c.env, auth, {
            address: described.address,
            args: argumentsFrom({ ...form, mode: values.mode }, fields),
            surface: "web",
            // Scoped to the credential, like `Idempotency-Key` on /v1/call: a re-sent form replays its Run.
            idempotencyKey: attempt && ATTEMPT.test(attempt) ? `${auth.principal.credentialId}:web:${attempt}` : null,
          });
          const review = outcome.kind === "pending" ? (await resumeRefs(c.env, new URL(c.req.url).origin, outcome.run, auth.principal.orgId)).link : null;
          return render(c, auth, described, { fields, values, outcome: outcomeSection(outcome, review) });
        },
        (error, status) => render(c, auth, described, { fields, values, error }, status),
      );
    });
  });
