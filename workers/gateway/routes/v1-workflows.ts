import { Hono } from "hono";
import { z } from "zod";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import type { AppEnv } from "../env";
import { getWorkflow, instanceStatus, listWorkflows, RunBody, runWorkflow, tickScope } from "../workflows/service";
import { webhook } from "../workflows/webhook";

const TickBody = z.object({ scope: z.string().min(1).max(64), now: z.iso.datetime() }).strict();

/**
 * Workflows (issue 15): deployed as artifacts (executor/workflows/*.yaml through /v1/artifacts),
 * fired by cron, a signed webhook, or by hand; each firing is an instance whose Run is the parent of
 * its steps' Runs.
 */
export const v1Workflows = new Hono<AppEnv>()
  .post("/hooks/workflows/:scope/:name/:id", webhook)
  .use("/v1/workflows", requireAuth("v1"))
  .use("/v1/workflows/*", requireAuth("v1"))
  .use("/dev/workflows/*", requireAuth("v1"))
  .get("/v1/workflows", async (c) => c.json({ workflows: await listWorkflows(c.env, c.get("auth")) }))
  .get("/v1/workflows/:scope/:name", async (c) => c.json({ workflow: await getWorkflow(c.env, c.get("auth"), c.req.param("scope"), c.req.param("name")) }))
  .post("/v1/workflows/:scope/:name/run", async (c) => {
    const body = await readJson(c, RunBody);
    const started = await runWorkflow(c.env, c.get("auth"), c.req.param("scope"), c.req.param("name"), body.payload);
    return c.json(started, 202);
  })
  .get("/v1/workflows/:scope/:name/runs/:id", async (c) => c.json(await instanceStatus(c.env, c.get("auth"), c.req.param("scope"), c.req.param("name"), c.req.param("id"))))
  .post("/dev/workflows/tick", async (c) => {
    const body = await readJson(c, TickBody);
    return c.json({ started: await tickScope(c.env, c.get("auth"), body.scope, Date.parse(body.now)) });
  });
