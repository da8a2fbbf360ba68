import { Hono } from "hono";
import { ConnectionCreateBody, ConnectionUpdateBody } from "../../../schemas";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import { testConnection } from "../catalog/connection-test";
import { createConnection, listPlacedConnections, removeConnection, updateConnectionSecret } from "../catalog/connections-service";
import { scopeQuery } from "../catalog/scope-access";
import type { AppEnv } from "../env";
import { callOutcomeResponse } from "../respond";

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
    return c.json({ connections: await listPlacedConnections(c.env, c.get("auth")) });
  })
  .patch("/v1/connections/:source/:name", async (c) => {
    const body = await readJson(c, ConnectionUpdateBody);
    const { source, name } = c.req.param();
    return c.json({ connection: await updateConnectionSecret(c.env, c.get("auth"), which(c.req.query("scope")), source, name, body) });
  })
  .delete("/v1/connections/:source/:name", async (c) => {
    const { source, name } = c.req.param();
    return c.json({ connection: await removeConnection(c.env, c.get("auth"), which(c.req.query("scope")), source, name) });
  })
  /** "Test connection" (catalog/connection-test.ts): a cheap read through the invocation path, so a Run. */
  .post("/v1/connections/:source/:name/test", async (c) => {
    const { source, name } = c.req.param();
    const outcome = await testConnection(c.env, c.get("auth"), which(c.req.query("scope")), source, name, "http");
    return callOutcomeResponse(c, outcome);
  });
