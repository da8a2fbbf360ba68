import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { runLedger } from "../durable-objects/run-ledger/client";
import type { Run } from "../schemas";
import { ConnectionCreateBody, Slug } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import { testConnection } from "../workers/gateway/catalog/connection-test";
import { createConnection, listPlacedConnections, removeConnection, updateConnectionSecret } from "../workers/gateway/catalog/connections-service";
import { scopeQuery } from "../workers/gateway/catalog/scope-access";
import { listPlacedSources } from "../workers/gateway/catalog/sources-service";
import type { AppEnv } from "../workers/gateway/env";
import { canSeeRun } from "../workers/invoke/approvals";
import { HttpError } from "../workers/shared/problem";
import type { AddValues, ConnectionsOptions } from "./connections-view";
import { connectionsPage } from "./connections-view";
import { formAction, readForm } from "./forms";
import { htmlOnError, signedIn } from "./sources-common";
import { loginRedirect, pageAuth } from "./session";

const AddForm = z.object({
  source: z.string().trim().max(63),
  name: z.string().trim().max(63),
  scope: z.string().default("org"),
  secret: z.string().max(8192).default(""),
});
const RotateForm = z.object({ secret: z.string().min(1, "enter the new secret").max(8192) });

const FIELD_NAMES: Record<string, string> = { source: "Source", name: "Name", secret: "Secret", scope: "Place it in" };

const DONE = {
  added: (source: string, name: string) => `Added the connection ${name} for ${source}. A secret you gave is stored encrypted and will not be shown again.`,
  rotated: (source: string, name: string) => `Replaced the secret of ${name} (${source}). Calls use the new one from now on; the old one is deleted.`,
  removed: (source: string, name: string) => `Removed the connection ${name} (${source}) and its secret.`,
} as const;

/** The notice a redirect asked for; only names that are slugs are said back (the query string is anyone's to write). */
function noticeFrom(c: Context<AppEnv>): string | undefined {
  const done = c.req.query("done");
  const source = Slug.safeParse(c.req.query("source"));
  const name = Slug.safeParse(c.req.query("name"));
  if (!source.success || !name.success || (done !== "added" && done !== "rotated" && done !== "removed")) return undefined;
  return DONE[done](source.data, name.data);
}

/** The test Run named by `?tested=`, when this viewer may read it (the rule `/v1/runs/:id` applies). */
async function testedRun(c: Context<AppEnv>, auth: AuthContext): Promise<Run | undefined> {
  const id = c.req.query("tested");
  if (!id || id.length > 64) return undefined;
  const found = await runLedger(c.env.RUN_LEDGER, auth.principal.orgId).get(id);
  return found.ok && canSeeRun(auth, found.value.run) ? found.value.run : undefined;
}

async function render(c: Context<AppEnv>, auth: AuthContext, opts: ConnectionsOptions, status = 200): Promise<Response> {
  const [sources, connections] = await Promise.all([listPlacedSources(c.env, auth), listPlacedConnections(c.env, auth)]);
  c.header("cache-control", "no-store");
  return c.html(connectionsPage(auth, signedIn(c, auth), sources, connections, opts), status as 200);
}

function done(c: Context<AppEnv>, what: keyof typeof DONE, source: string, name: string): Response {
  return c.redirect(`/connections?done=${what}&source=${encodeURIComponent(source)}&name=${encodeURIComponent(name)}`, 303);
}

/** Runs a connection action from its row; a refusal re-renders the page with the message. */
function rowAction(c: Context<AppEnv>, auth: AuthContext, action: (source: string, name: string) => Promise<Response>): Promise<Response> {
  const { source, name } = c.req.param() as { source: string; name: string };
  return htmlOnError(c, auth, "/connections", () =>
    formAction(
      () => action(source, name),
      (error, status) => render(c, auth, { error }, status),
    ),
  );
}

/** Connections per source: add (secret write-only), rotate, test (a Run), remove. */
export const connectionsPages = new Hono<AppEnv>()
  .get("/connections", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const source = Slug.safeParse(c.req.query("source"));
    const values: AddValues = source.success ? { source: source.data } : {};
    return render(c, auth, { notice: noticeFrom(c), tested: await testedRun(c, auth), values });
  })
  .post("/connections", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    let values: AddValues = {};
    return formAction(
      async () => {
        const form = await readForm(c, AddForm);
        values = { source: form.source, name: form.name, ...(form.scope === "org" || form.scope === "user" ? { scope: form.scope } : {}) };
        // The same request schema as `POST /v1/connections`.
        const parsed = ConnectionCreateBody.safeParse({ scope: form.scope, source: form.source, name: form.name, ...(form.secret ? { secret: form.secret } : {}) });
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const path = issue?.path.join(".") ?? "";
          throw new HttpError(422, "validation-failed", `${FIELD_NAMES[path] ?? (path || "form")}: ${issue?.message ?? "invalid"}`);
        }
        const created = await createConnection(c.env, auth, parsed.data);
        return done(c, "added", created.source, created.name);
      },
      (error, status) => render(c, auth, { error, values }, status),
    );
  })
  .post("/connections/:source/:name/rotate", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return rowAction(c, auth, async (source, name) => {
      const which = scopeQuery(c.req.query("scope"));
      const { secret } = await readForm(c, RotateForm);
      await updateConnectionSecret(c.env, auth, which, source, name, { secret });
      return done(c, "rotated", source, name);
    });
  })
  .post("/connections/:source/:name/test", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return rowAction(c, auth, async (source, name) => {
      const which = scopeQuery(c.req.query("scope"));
      await readForm(c, z.object({}));
      // The same test as `POST /v1/connections/:source/:name/test`: through the invocation path, so a Run.
      const outcome = await testConnection(c.env, auth, which, source, name, "web");
      return c.redirect(`/connections?tested=${outcome.run.id}`, 303);
    });
  })
  .post("/connections/:source/:name/remove", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return rowAction(c, auth, async (source, name) => {
      const which = scopeQuery(c.req.query("scope"));
      await readForm(c, z.object({}));
      await removeConnection(c.env, auth, which, source, name);
      return done(c, "removed", source, name);
    });
  });
