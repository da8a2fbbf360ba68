import { Hono } from "hono";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import { SourceCreateBody, SourceRefreshBody } from "../../../schemas";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import { SPEC_BODY_LIMIT } from "../catalog/import-limits";
import { requireWholeAuthority, scopeId, scopeQuery, writableScope } from "../catalog/scope-access";
import { addSource, refreshSource } from "../catalog/sources-service";
import type { AppEnv } from "../env";
import { unwrap } from "../../shared/result";

// Uploaded specs can be large (GitHub's REST description is ~12 MB; catalog/import-limits.ts); other bodies stay at 1 MB.

const which = scopeQuery;

/** Sources placed in the caller's scopes, their tools, and the review of refreshed tools. */
export const v1Catalog = new Hono<AppEnv>()
  .use("/v1/sources", requireAuth("v1"))
  .use("/v1/sources/*", requireAuth("v1"))
  .post("/v1/sources", async (c) => {
    const body = await readJson(c, SourceCreateBody, SPEC_BODY_LIMIT);
    return c.json(await addSource(c.env, c.get("auth"), body), 201);
  })
  .get("/v1/sources", async (c) => {
    const auth = c.get("auth");
    requireWholeAuthority(auth);
    const lists = await Promise.all(auth.principal.chain.map((s) => scopeCatalog(c.env.SCOPE_CATALOG, s.id).listSources()));
    return c.json({ sources: lists.flatMap((l) => unwrap(l)) });
  })
  .get("/v1/sources/:slug", async (c) => {
    requireWholeAuthority(c.get("auth"));
    const catalog = scopeCatalog(c.env.SCOPE_CATALOG, scopeId(c.get("auth"), which(c.req.query("scope"))));
    const source = unwrap(await catalog.getSource(c.req.param("slug")));
    const tools = unwrap(await catalog.listTools(source.slug));
    const awaitingReview = tools.filter((t) => t.status === "awaiting_review").map((t) => t.name);
    const changed = tools.filter((t) => t.changed).map((t) => t.name);
    // DESIGN invariant 6: tools whose grant a refresh withdrew because their destination or auth moved.
    const moved = tools.filter((t) => t.moved).map((t) => t.name);
    return c.json({ source, toolCount: tools.length, awaitingReview, changed, moved });
  })
  .get("/v1/sources/:slug/tools", async (c) => {
    requireWholeAuthority(c.get("auth"));
    const catalog = scopeCatalog(c.env.SCOPE_CATALOG, scopeId(c.get("auth"), which(c.req.query("scope"))));
    const tools = unwrap(await catalog.listTools(c.req.param("slug")));
    return c.json({ tools: tools.map(({ invocation: _i, ...t }) => t) });
  })
  .post("/v1/sources/:slug/refresh", async (c) => {
    // No body is a plain refresh from the stored config (and stored document, if one was uploaded).
    const body = c.req.header("content-type") ? await readJson(c, SourceRefreshBody, SPEC_BODY_LIMIT) : {};
    const report = await refreshSource(c.env, c.get("auth"), which(c.req.query("scope")), c.req.param("slug"), body);
    return c.json({ tools: report });
  })
  .post("/v1/sources/:slug/tools/:name{.+}/grant", async (c) => {
    const scope = writableScope(c.get("auth"), which(c.req.query("scope")));
    const tool = unwrap(await scopeCatalog(c.env.SCOPE_CATALOG, scope).grantTool(c.req.param("slug"), c.req.param("name")));
    const { invocation: _i, ...shown } = tool;
    return c.json({ tool: shown });
  })
  .delete("/v1/sources/:slug", async (c) => {
    const scope = writableScope(c.get("auth"), which(c.req.query("scope")));
    return c.json(unwrap(await scopeCatalog(c.env.SCOPE_CATALOG, scope).deleteSource(c.req.param("slug"))));
  });
