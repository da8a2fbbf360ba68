import { Hono } from "hono";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import { PolicyCreateBody, PolicyInput, ToolkitCreateBody, ToolkitUpdateBody } from "../../../schemas";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import { createPolicy, createToolkit, listPlacedPolicies, listPlacedToolkits, removePolicy, removeToolkit, updateToolkit } from "../catalog/governance-service";
import { scopeQuery, writableScope } from "../catalog/scope-access";
import type { AppEnv } from "../env";
import { unwrap } from "../../shared/result";

const which = scopeQuery;

/** Policies (on sources and connections) and toolkits (curation), placed in the caller's scopes. */
export const v1Governance = new Hono<AppEnv>()
  .use("/v1/policies", requireAuth("v1"))
  .use("/v1/policies/*", requireAuth("v1"))
  .use("/v1/toolkits", requireAuth("v1"))
  .use("/v1/toolkits/*", requireAuth("v1"))
  .post("/v1/policies", async (c) => c.json({ policy: await createPolicy(c.env, c.get("auth"), await readJson(c, PolicyCreateBody)) }, 201))
  .get("/v1/policies", async (c) => c.json({ policies: await listPlacedPolicies(c.env, c.get("auth")) }))
  .put("/v1/policies/:id", async (c) => {
    const input = await readJson(c, PolicyInput.strict());
    const catalog = scopeCatalog(c.env.SCOPE_CATALOG, writableScope(c.get("auth"), which(c.req.query("scope"))));
    return c.json({ policy: unwrap(await catalog.updatePolicy(c.req.param("id"), input)) });
  })
  .delete("/v1/policies/:id", async (c) => c.json(await removePolicy(c.env, c.get("auth"), which(c.req.query("scope")), c.req.param("id"))))
  .post("/v1/toolkits", async (c) => c.json({ toolkit: await createToolkit(c.env, c.get("auth"), await readJson(c, ToolkitCreateBody)) }, 201))
  .get("/v1/toolkits", async (c) => c.json({ toolkits: await listPlacedToolkits(c.env, c.get("auth")) }))
  .patch("/v1/toolkits/:slug", async (c) => {
    const patch = await readJson(c, ToolkitUpdateBody);
    return c.json({ toolkit: await updateToolkit(c.env, c.get("auth"), which(c.req.query("scope")), c.req.param("slug"), patch) });
  })
  .delete("/v1/toolkits/:slug", async (c) => c.json(await removeToolkit(c.env, c.get("auth"), which(c.req.query("scope")), c.req.param("slug"))));
