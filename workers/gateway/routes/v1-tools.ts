import { Hono } from "hono";
import { z } from "zod";
import { admit } from "../../../core/admission";
import { CallBody } from "../../../schemas";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import type { AppEnv } from "../env";
import { callTool } from "../invoke/call";
import { addressFrom, policiesFor, resolveAddress } from "../invoke/catalog-view";
import { callOutcomeResponse } from "../invoke/respond";
import { rankTools, visibleTools } from "../invoke/search";
import { HttpError } from "../problem";

const SearchQuery = z.object({
  q: z.string().max(512).default(""),
  source: z.string().max(63).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.coerce.number().int().min(0).default(0),
});
const CallRequestBody = CallBody.extend({ address: z.string().min(1).max(512) });

/** Search, describe and call tools, each narrowed by the caller's credential and toolkit. */
export const v1Tools = new Hono<AppEnv>()
  .use("/v1/tools", requireAuth("v1"))
  .use("/v1/tools/*", requireAuth("v1"))
  .use("/v1/call", requireAuth("v1"))
  .get("/v1/tools", async (c) => {
    const parsed = SearchQuery.safeParse(c.req.query());
    if (!parsed.success) throw new HttpError(422, "validation-failed", parsed.error.issues[0]?.message ?? "invalid query");
    const { q, source, limit, cursor } = parsed.data;
    const ranked = rankTools(q, await visibleTools(c.env, c.get("auth").principal, source));
    const page = ranked.slice(cursor, cursor + limit);
    return c.json({ tools: page, total: ranked.length, nextCursor: cursor + limit < ranked.length ? cursor + limit : null });
  })
  .get("/v1/tools/describe", async (c) => {
    const { principal } = c.get("auth");
    const address = addressFrom(c.req.query("address") ?? "");
    const resolved = await resolveAddress(c.env, principal, address);
    const decision = admit(
      principal,
      {
        address,
        placedScope: resolved.source.scope,
        connection: { scope: resolved.connection.scope, name: resolved.connection.name },
        sideEffect: resolved.tool.sideEffect,
        status: resolved.tool.status,
      },
      await policiesFor(c.env, principal, resolved.source.slug),
    );
    // Outside the caller's toolkit a tool does not exist for them.
    if (decision.reason.code === "outside_toolkit") throw new HttpError(404, "not-found", `no tool at ${address.address} in your scopes`);
    const { invocation: _i, ...tool } = resolved.tool;
    return c.json({ address: address.address, tool, policy: { outcome: decision.outcome, reason: decision.reason } });
  })
  .post("/v1/call", async (c) => {
    const body = await readJson(c, CallRequestBody);
    const key = c.req.header("idempotency-key");
    const outcome = await callTool(c.env, c.get("auth"), {
      address: body.address,
      args: body.arguments,
      surface: "http",
      idempotencyKey: key ? `${c.get("auth").principal.userId}:${key}` : null,
    });
    return callOutcomeResponse(c, outcome);
  });
