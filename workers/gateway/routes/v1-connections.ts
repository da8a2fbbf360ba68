import { Hono } from "hono";
import { inToolset } from "../../../core/toolset";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import { ConnectionCreateBody, ConnectionUpdateBody } from "../../../schemas";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import { createConnection, updateConnectionSecret } from "../catalog/connections-service";
import { requireWholeAuthority, scopeQuery, writableScope } from "../catalog/scope-access";
import type { AppEnv } from "../env";
import { callOutcomeResponse } from "../respond";
import { callTool } from "../../invoke/call";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";

const which = scopeQuery;

/** Connections: named credentials per source. Secrets go in, never come out. */
export const v1Connections = new Hono<AppEnv>()
  .use("/v1/connections", requireAuth("v1"))
  .use("/v1/connections/*", requireAuth("v1"))
  .post("/v1/connections", async (c) => {
    const body = await readJson(c, ConnectionCreateBody);
    return c.json({ connection: await createConnection(c.env, c.get("auth"), body) }, 201);
  })
  .get("/v1/connections", async (c) => {
    const auth = c.get("auth");
    requireWholeAuthority(auth);
    const lists = await Promise.all(auth.principal.chain.map((s) => scopeCatalog(c.env.SCOPE_CATALOG, s.id).listConnections()));
    return c.json({ connections: lists.flatMap((l) => unwrap(l)) });
  })
  .patch("/v1/connections/:source/:name", async (c) => {
    const body = await readJson(c, ConnectionUpdateBody);
    const { source, name } = c.req.param();
    return c.json({ connection: await updateConnectionSecret(c.env, c.get("auth"), which(c.req.query("scope")), source, name, body) });
  })
  .delete("/v1/connections/:source/:name", async (c) => {
    const scope = writableScope(c.get("auth"), which(c.req.query("scope")));
    const { source, name } = c.req.param();
    return c.json({ connection: unwrap(await scopeCatalog(c.env.SCOPE_CATALOG, scope).deleteConnection(source, name)) });
  })
  /**
   * "Test connection": calls a cheap operation through the one invocation path (so it is a Run and
   * policy applies): the source config's `testTool` if its plugin has one, else a read tool with no
   * required input, preferring list/get/whoami-style operations.
   */
  .post("/v1/connections/:source/:name/test", async (c) => {
    const auth = c.get("auth");
    const scope = auth.principal.chain.find((s) => s.kind === which(c.req.query("scope")))?.id ?? auth.identity.org.id;
    const { source, name } = c.req.param();
    // Only tools the caller's toolset reaches are candidates (DESIGN §3: the narrowed executor is all it has).
    const reachable = (tool: string): boolean => inToolset(auth.principal.narrowings, `${source}.${scope}.${name}.${tool}`);
    const tool = await pickTestTool(c.env, auth.principal.chain.map((s) => s.id), scope, source, reachable);
    // Same answer for a source that exists elsewhere, or only outside the caller's toolkit, as for one that exists nowhere.
    if (tool === undefined) throw new HttpError(404, "not-found", "no such source reachable from that scope");
    if (!tool) throw new HttpError(422, "validation-failed", "this source has no read operation without required input to test with");
    const outcome = await callTool(c.env, auth, { address: `${source}.${scope}.${name}.${tool}`, args: {}, surface: "http" });
    return callOutcomeResponse(c, outcome);
  });

/**
 * The test tool's name; null when the source has none; undefined when no such source is reachable,
 * which includes a source none of whose tools the caller's toolset reaches.
 */
async function pickTestTool(
  env: AppEnv["Bindings"],
  chain: string[],
  scope: string,
  slug: string,
  reachable: (tool: string) => boolean,
): Promise<string | null | undefined> {
  const depth = chain.indexOf(scope);
  for (let i = depth; i >= 0; i--) {
    const catalog = scopeCatalog(env.SCOPE_CATALOG, chain[i] ?? "");
    const source = await catalog.getSource(slug);
    if (!source.ok) continue;
    const tools = unwrap(await catalog.listTools(slug)).filter((t) => reachable(t.name));
    if (tools.length === 0) return undefined;
    const configured = source.value.config.testTool;
    if (typeof configured === "string") return reachable(configured) ? configured : undefined;
    const cheap = tools.filter((t) => {
      const required = t.inputSchema?.required;
      return t.sideEffect === "read" && t.status === "granted" && (!Array.isArray(required) || required.length === 0);
    });
    // Listing or "who am I" operations are the conventional cheap probes.
    const probe = cheap.find((t) => /^(list|get|me$|whoami|viewer|query_viewer)/i.test(t.name)) ?? cheap[0];
    return probe?.name ?? null;
  }
  return undefined;
}
