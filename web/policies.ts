import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { PolicyAction, PolicyCreateBody, RecordId, ScopeField, Slug } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import { createPolicy, listPlacedPolicies, removePolicy } from "../workers/gateway/catalog/governance-service";
import { scopeQuery } from "../workers/gateway/catalog/scope-access";
import { listPlacedSources } from "../workers/gateway/catalog/sources-service";
import type { AppEnv } from "../workers/gateway/env";
import { visibleConnections } from "../workers/invoke/catalog-view";
import { decisionsForSource } from "../workers/invoke/visible-tools";
import { HttpError } from "../workers/shared/problem";
import { formAction, readForm } from "./forms";
import type { PolicyFormValues } from "./policies-view";
import { connectionValue, policiesPage } from "./policies-view";
import { htmlOnError, signedIn } from "./sources-common";
import { loginRedirect, pageAuth } from "./session";

const PolicyForm = z.object({
  scope: z.string().default("org"),
  source: z.string().trim().max(63),
  connection: z.string().max(200).default(""),
  tools: z.string().trim().max(128).default("*"),
  action: z.string().max(32).default(""),
  forbidSelfApproval: z.literal("on").optional(),
});

const FIELD_NAMES: Record<string, string> = { scope: "Place it in", "target.source": "Source", "target.tools": "Tools", action: "Action" };

type Render = { values?: PolicyFormValues; error?: string | undefined; notice?: string | undefined; source?: string | undefined };

async function render(c: Context<AppEnv>, auth: AuthContext, opts: Render, status = 200): Promise<Response> {
  const [policies, placed, connections] = await Promise.all([listPlacedPolicies(c.env, auth), listPlacedSources(c.env, auth), visibleConnections(c.env, auth.principal)]);
  const sources = [...new Set(placed.map((s) => s.slug))].sort();
  const chosen = opts.source && sources.includes(opts.source) ? opts.source : sources[0];
  const decisions = chosen ? await decisionsForSource(c.env, auth.principal, chosen) : null;
  c.header("cache-control", "no-store");
  const data = { policies, sources, connections, chosen, decisions, values: opts.values ?? {}, error: opts.error, notice: opts.notice };
  return c.html(policiesPage(auth, signedIn(c, auth), data), status as 200);
}

/** A notice a redirect asked for; an id is said back only if it has the shape of one (the query string is anyone's). */
function noticeFrom(c: Context<AppEnv>): string | undefined {
  const created = RecordId.safeParse(c.req.query("created"));
  if (created.success) return `Added policy ${created.data}. The table above shows what it decides now.`;
  const deleted = RecordId.safeParse(c.req.query("deleted"));
  return deleted.success ? `Deleted policy ${deleted.data}.` : undefined;
}

/** Policies: per source and connection, add and delete, and the decision each tool of a source gets. */
export const policiesPages = new Hono<AppEnv>()
  .get("/policies", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const source = Slug.safeParse(c.req.query("source"));
    return render(c, auth, { source: source.success ? source.data : undefined, notice: noticeFrom(c) });
  })
  .post("/policies", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    let values: PolicyFormValues = {};
    return formAction(
      async () => {
        const form = await readForm(c, PolicyForm);
        const scope = ScopeField.safeParse(form.scope);
        const action = PolicyAction.safeParse(form.action);
        values = {
          ...(scope.success ? { scope: scope.data } : {}),
          source: form.source,
          connection: form.connection,
          tools: form.tools,
          ...(action.success ? { action: action.data } : {}),
          forbidSelfApproval: form.forbidSelfApproval === "on",
        };
        let connection: { scope: string; name: string } | undefined;
        if (form.connection) {
          const found = (await visibleConnections(c.env, auth.principal)).find((v) => connectionValue(v.connection) === form.connection);
          if (!found || found.source.slug !== form.source) {
            throw new HttpError(422, "validation-failed", `Connection: choose a connection of ${form.source}, or every connection`);
          }
          connection = { scope: found.connection.scope, name: found.connection.name };
        }
        // The same request schema as `POST /v1/policies`.
        const parsed = PolicyCreateBody.safeParse({
          scope: form.scope,
          target: { source: form.source, tools: form.tools || "*", ...(connection ? { connection } : {}) },
          action: form.action,
          forbidSelfApproval: form.forbidSelfApproval === "on",
        });
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const path = issue?.path.join(".") ?? "";
          throw new HttpError(422, "validation-failed", `${FIELD_NAMES[path] ?? (path || "form")}: ${issue?.message ?? "invalid"}`);
        }
        const policy = await createPolicy(c.env, auth, parsed.data);
        return c.redirect(`/policies?source=${policy.target.source}&created=${policy.id}#decisions-title`, 303);
      },
      (error, status) => render(c, auth, { values, error, source: values.source }, status),
    );
  })
  .post("/policies/:id/delete", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const source = Slug.safeParse(c.req.query("source"));
    const back = source.success ? source.data : undefined;
    return htmlOnError(c, auth, "/policies", () =>
      formAction(
        async () => {
          await readForm(c, z.object({}));
          const { deleted } = await removePolicy(c.env, auth, scopeQuery(c.req.query("scope")), c.req.param("id"));
          return c.redirect(`/policies?${back ? `source=${back}&` : ""}deleted=${encodeURIComponent(deleted)}`, 303);
        },
        (error, status) => render(c, auth, { error, source: back }, status),
      ),
    );
  });
