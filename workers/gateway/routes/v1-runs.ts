import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { runLedger } from "../../../durable-objects/run-ledger/client";
import type { RunFilter } from "../../../durable-objects/run-ledger/ledger";
import { DecisionBody, RecordId, RunStatus, RunSurface } from "../../../schemas";
import type { AuthContext } from "../../shared/auth-context";
import { requireAuth } from "../auth/middleware";
import { readJson } from "../body";
import type { AppEnv } from "../env";
import { requireWholeAuthority } from "../catalog/scope-access";
import { canSeeRun, cancelRun, decideRun } from "../../invoke/approvals";
import { callOutcomeResponse } from "../respond";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";

export const RunsQuery = z.object({
  tool: z.string().max(512).optional(),
  status: RunStatus.optional(),
  decision: z.enum(["approve", "deny"]).optional(),
  principal: z.string().max(64).optional(),
  surface: RunSurface.optional(),
  /** The child Runs of a code Run. */
  parent: RecordId.optional(),
  since: z.coerce.number().int().optional(),
  until: z.coerce.number().int().optional(),
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export type RunsQuery = z.infer<typeof RunsQuery>;

/** The ledger filter for a request: members see their own Runs; owners (whole authority) see all. */
function filterFrom(c: Context<AppEnv>): RunFilter {
  const parsed = RunsQuery.safeParse(c.req.query());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(422, "validation-failed", `query '${issue?.path.join(".")}': ${issue?.message}`);
  }
  return visibleRunsFilter(c.get("auth"), parsed.data);
}

/**
 * The one listing rule, for `GET /v1/runs` and the Runs page: an owner with whole authority may
 * list anyone's Runs (or one person's, `principal`); everyone else lists only their own.
 */
export function visibleRunsFilter(auth: AuthContext, q: RunsQuery): RunFilter {
  const owner = auth.identity.role === "owner" && auth.grant.toolkit === null;
  const userId = owner ? q.principal : auth.principal.userId;
  return {
    ...(q.tool ? { address: q.tool } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(q.decision ? { decision: q.decision } : {}),
    ...(userId ? { userId } : {}),
    ...(q.surface ? { surface: q.surface } : {}),
    ...(q.parent ? { parentRunId: q.parent } : {}),
    ...(q.since !== undefined ? { since: q.since } : {}),
    ...(q.until !== undefined ? { until: q.until } : {}),
    ...(q.cursor !== undefined ? { before: q.cursor } : {}),
    limit: q.limit,
  };
}

/** The audit trail: every call is a Run in the org's ledger. */
export const v1Runs = new Hono<AppEnv>()
  .use("/v1/runs", requireAuth("v1"))
  .use("/v1/runs/*", requireAuth("v1"))
  .get("/v1/runs", async (c) => {
    requireWholeAuthority(c.get("auth"));
    return c.json(unwrap(await runLedger(c.env.RUN_LEDGER, c.get("auth").principal.orgId).list(filterFrom(c))));
  })
  /** Every matching Run as JSON lines, newest first (for audit tools and spreadsheets). */
  .get("/v1/runs/export", async (c) => {
    requireWholeAuthority(c.get("auth"));
    const ledger = runLedger(c.env.RUN_LEDGER, c.get("auth").principal.orgId);
    const filter = { ...filterFrom(c), limit: 200 };
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const encoder = new TextEncoder();
        let before = filter.before;
        for (;;) {
          const page = unwrap(await ledger.list({ ...filter, ...(before !== undefined ? { before } : {}) }));
          for (const run of page.runs) controller.enqueue(encoder.encode(`${JSON.stringify(run)}\n`));
          if (page.nextCursor === null) break;
          before = page.nextCursor;
        }
        controller.close();
      },
    });
    return new Response(stream, { headers: { "content-type": "application/x-ndjson", "cache-control": "no-store" } });
  })
  .get("/v1/runs/verify", async (c) => {
    requireWholeAuthority(c.get("auth"));
    return c.json(await runLedger(c.env.RUN_LEDGER, c.get("auth").principal.orgId).verify());
  })
  .get("/v1/runs/:id", async (c) => {
    const auth = c.get("auth");
    const found = await runLedger(c.env.RUN_LEDGER, auth.principal.orgId).get(c.req.param("id"));
    if (!found.ok || !canSeeRun(auth, found.value.run)) throw new HttpError(404, "not-found", `no run '${c.req.param("id")}'`);
    return c.json({ run: found.value.run });
  })
  .post("/v1/runs/:id/cancel", async (c) => c.json({ run: await cancelRun(c.env, c.get("auth"), c.req.param("id")) }))
  .post("/v1/runs/:id/:decision{approve|deny}", async (c) => {
    const body = c.req.header("content-type") ? await readJson(c, DecisionBody) : {};
    const decision = c.req.param("decision") as "approve" | "deny";
    const outcome = await decideRun(c.env, c.get("auth"), c.req.param("id"), decision, body.comment);
    if (decision === "deny") return c.json({ run: outcome.run });
    return callOutcomeResponse(c, outcome);
  });
