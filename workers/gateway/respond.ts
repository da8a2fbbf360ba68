import type { Context } from "hono";
import type { Run } from "../../schemas";
import { resumeLinkFor } from "../invoke/review-link";
import type { AppEnv, Env } from "./env";
import { HttpError } from "../shared/problem";
import type { CallOutcome } from "../invoke/call";

export type ResumeRefs = { status: string; approve: string; deny: string; link: string };

/**
 * Resume references for a pending Run: the API routes, and a signed link to a page that shows
 * exactly what will run (approve/deny still need a signed-in person entitled to decide).
 */
export async function resumeRefs(env: Env, base: string, run: Run, orgId: string): Promise<ResumeRefs> {
  return {
    status: `${base}/v1/runs/${run.id}`,
    approve: `${base}/v1/runs/${run.id}/approve`,
    deny: `${base}/v1/runs/${run.id}/deny`,
    link: await resumeLinkFor(env, base, run, orgId),
  };
}

/** Maps the invocation path's outcome to HTTP: 200 result, 202 pending, 403/422 refused, 5xx upstream. */
export async function callOutcomeResponse(c: Context<AppEnv>, outcome: CallOutcome): Promise<Response> {
  const base = new URL(c.req.url).origin;
  c.header("cache-control", "no-store");
  switch (outcome.kind) {
    case "succeeded":
      return c.json({ run: outcome.run, result: outcome.value }, 200);
    case "pending":
      return c.json({ run: outcome.run, resume: await resumeRefs(c.env, base, outcome.run, c.get("auth").principal.orgId) }, 202);
    case "rejected": {
      const { run } = outcome;
      if (run.error?.code === "invalid_arguments") {
        throw new HttpError(422, "validation-failed", run.error.message, { errors: outcome.issues ?? [], runId: run.id });
      }
      const reason = run.status === "denied" ? "the call was denied" : run.admission.reason.message;
      throw new HttpError(403, "forbidden", reason, { runId: run.id });
    }
    case "failed": {
      const { run } = outcome;
      const type = outcome.httpStatus === 410 ? "gone" : outcome.httpStatus === 409 ? "conflict" : outcome.httpStatus === 403 ? "forbidden" : "upstream-failed";
      throw new HttpError(outcome.httpStatus, type, run.error?.message ?? "the call failed", { runId: run.id });
    }
  }
}
