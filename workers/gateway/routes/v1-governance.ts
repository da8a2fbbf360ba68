import { Hono } from "hono";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import { PolicyCreateBody, PolicyInput, ToolkitCreateBody, ToolkitUpdateBody } from "../../../schemas";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import { requireWholeAuthority, scopeQuery, writableScope } from "../catalog/scope-access";
import type { AppEnv } from "../env";
import { unwrap } from "../../shared/result";

const which = scopeQuery;

/** Policies (on sources and connections) and toolkits (curation), placed in the caller's scopes. */
export const v1Governance = new Hono<AppEnv>()
  .use("/v1/policies", requireAuth("v1"))
  .use("/v1/policies/*", requireAuth("v1"))
  .use("/v1/toolkits", requireAuth("v1"))
  .use("/v1/toolkits/*", requireAuth("v1"))
  .post("/v1/policies", async (c) => {
    const { scope, ...input } = await readJson(c, PolicyCreateBody);
    const catalog = scopeCatalog(c.env.SCOPE_CATALOG, writableScope(c.get("auth"), scope));
    return c.json({ policy: unwrap(await catalog.createPolicy(input)) }, 201);
  })
  .get("/v1/policies", async (c) => {
    const auth = c.get("auth");
    requireWholeAuthority(auth);
    const lists = await Promise.all(auth.principal.chain.map((s) => scopeCatalog(c.env.SCOPE_CATALOG, s.id).listPolicies()));
    return c.json({ policies: lists.flatMap((l) => unwrap(l)) });
  })
  .put("/v1/policies/:id", async (c) => {
    const input = await readJson(c, PolicyInput.strict());
    const catalog = scopeCatalog(c.env.SCOPE_CATALOG, writableScope(c.get("auth"), which(c.req.query("scope"))));
    return c.json({ policy: unwrap(await catalog.updatePolicy(c.req.param("id"), input)) });
  })
  .delete("/v1/policies/:id", async (c) => {
    const catalog = scopeCatalog(c.env.SCOPE_CATALOG, writableScope(c.get("auth"), which(c.req.query("scope"))));
    return c.json(unwrap(await catalog.deletePolicy(c.req.param("id"))));
  })
  .post("/v1/toolkits", async (c) => {
    const { scope, ...input } = await readJson(c, ToolkitCreateBody);
    const catalog = scopeCatalog(c.env.SCOPE_CATALOG, writableScope(c.get("auth"), scope));
    return c.json({ toolkit: unwrap(await catalog.createToolkit(input)) }, 201);
  })
  .get("/v1/toolkits", async (c) => {
    const auth = c.get("auth");
    requireWholeAuthority(auth);
    const lists = await Promise.all(auth.principal.chain.map((s) => scopeCatalog(c.env.SCOPE_CATALOG, s.id).listToolkits()));
    return c.json({ toolkits: lists.flatMap((l) => unwrap(l)) });
  })
  .patch("/v1/toolkits/:slug", async (c) => {
    const patch = await readJson(c, ToolkitUpdateBody);
    const catalog = scopeCatalog(c.env.SCOPE_CATALOG, writableScope(c.get("auth"), which(c.req.query("scope"))));
    return c.json({ toolkit: unwrap(await catalog.updateToolkit(c.req.param("slug"), patch)) });
  })
  .delete("/v1/toolkits/:slug", async (c) => {
    const catalog = scopeCatalog(c.env.SCOPE_CATALOG, writableScope(c.get("auth"), which(c.req.query("scope"))));
    return c.json(unwrap(await catalog.deleteToolkit(c.req.param("slug"))));
  });
