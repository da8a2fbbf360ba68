import { Hono } from "hono";
import { SourceCreateBody, SourceRefreshBody } from "../../../schemas";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import { SPEC_BODY_LIMIT } from "../catalog/import-limits";
import { scopeQuery } from "../catalog/scope-access";
import { addSource, grantSourceTool, listPlacedSources, refreshSource, removeSource, reviewOf, sourceWithTools } from "../catalog/sources-service";
import type { AppEnv } from "../env";
import { StageTimer } from "../../shared/timing";

// Uploaded specs can be large (GitHub's REST description is ~12 MB; catalog/import-limits.ts); other bodies stay at 1 MB.

const which = scopeQuery;

/** Sources placed in the caller's scopes, their tools, and the review of refreshed tools. */
export const v1Catalog = new Hono<AppEnv>()
  .use("/v1/sources", requireAuth("v1"))
  .use("/v1/sources/*", requireAuth("v1"))
  .post("/v1/sources", async (c) => {
    // Server-Timing by stage (read, credential, resolve, checks, catalog): how the bench breaks an import down.
    const timer = new StageTimer(c.get("startedAt"));
    timer.mark("auth");
    const body = await readJson(c, SourceCreateBody, SPEC_BODY_LIMIT);
    timer.mark("read");
    const res = c.json(await addSource(c.env, c.get("auth"), body, timer), 201);
    timer.mark("respond");
    res.headers.set("server-timing", timer.header());
    return res;
  })
  .get("/v1/sources", async (c) => {
    return c.json({ sources: await listPlacedSources(c.env, c.get("auth")) });
  })
  .get("/v1/sources/:slug", async (c) => {
    const { source, tools } = await sourceWithTools(c.env, c.get("auth"), which(c.req.query("scope")), c.req.param("slug"));
    return c.json({ source, ...reviewOf(tools) });
  })
  .get("/v1/sources/:slug/tools", async (c) => {
    const { tools } = await sourceWithTools(c.env, c.get("auth"), which(c.req.query("scope")), c.req.param("slug"));
    return c.json({ tools });
  })
  .post("/v1/sources/:slug/refresh", async (c) => {
    // No body is a plain refresh from the stored config (and stored document, if one was uploaded).
    const body = c.req.header("content-type") ? await readJson(c, SourceRefreshBody, SPEC_BODY_LIMIT) : {};
    const report = await refreshSource(c.env, c.get("auth"), which(c.req.query("scope")), c.req.param("slug"), body);
    return c.json({ tools: report });
  })
  .post("/v1/sources/:slug/tools/:name{.+}/grant", async (c) => {
    const tool = await grantSourceTool(c.env, c.get("auth"), which(c.req.query("scope")), c.req.param("slug"), c.req.param("name"));
    return c.json({ tool });
  })
  .delete("/v1/sources/:slug", async (c) => {
    return c.json(await removeSource(c.env, c.get("auth"), which(c.req.query("scope")), c.req.param("slug")));
  });
