import { Hono } from "hono";
import { StageTimer } from "../../shared/timing";
import { mergeSkills, rankSkills, skillHit } from "../artifacts/skills";
import { z } from "zod";
import { CallBody } from "../../../schemas";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import type { AppEnv } from "../env";
import { callTool } from "../../invoke/call";
import { describeTool } from "../../invoke/describe";
import { callOutcomeResponse } from "../respond";
import { searchVisible } from "../../invoke/search";
import { HttpError } from "../../shared/problem";

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
    const principal = c.get("auth").principal;
    const timer = new StageTimer(c.get("startedAt"));
    timer.mark("auth");
    // Skills a query finds come beside the tools (first page, no source filter), each saying it is a
    // skill; they are read in the search's own round trip to each scope.
    const withSkills = q !== "" && cursor === 0 && !source;
    const { skillLists, ...page } = await searchVisible(c.env, principal, { query: q, source, limit, cursor, skills: withSkills, timer });
    const skills = withSkills ? rankSkills(mergeSkills(skillLists ?? []), q, 5).map(skillHit) : [];
    const res = c.json(skills.length ? { ...page, skills } : page);
    timer.mark("respond");
    res.headers.set("server-timing", timer.header());
    return res;
  })
  .get("/v1/tools/describe", async (c) => c.json(await describeTool(c.env, c.get("auth").principal, c.req.query("address") ?? "")))
  .post("/v1/call", async (c) => {
    const timer = new StageTimer(c.get("startedAt"));
    timer.mark("auth");
    const body = await readJson(c, CallRequestBody);
    const key = c.req.header("idempotency-key");
    const outcome = await callTool(c.env, c.get("auth"), {
      address: body.address,
      args: body.arguments,
      // The CLI says so (a label on the Run, never authority); anything else is plain HTTP.
      surface: c.req.header("x-executor-surface") === "cli" ? "cli" : "http",
      // Scoped to the credential: another credential's key can never replay this one's Run.
      idempotencyKey: key ? `${c.get("auth").principal.credentialId}:${key.slice(0, 200)}` : null,
      timer,
    });
    const res = await callOutcomeResponse(c, outcome);
    timer.mark("respond");
    res.headers.set("server-timing", timer.header());
    return res;
  });
