import type { Context } from "hono";
import type { Run } from "../../../schemas";
import type { AppEnv } from "../env";
import { HttpError } from "../problem";
import type { CallOutcome } from "./call";

/** Resume references for a pending Run (approve/deny need a principal entitled to decide). */
export function resumeRefs(base: string, run: Run): { status: string; approve: string; deny: string } {
  return { status: `${base}/v1/runs/${run.id}`, approve: `${base}/v1/runs/${run.id}/approve`, deny: `${base}/v1/runs/${run.id}/deny` };
}

/** Maps the invocation path's outcome to HTTP: 200 result, 202 pending, 403/422 refused, 5xx upstream. */
export function callOutcomeResponse(c: Context<AppEnv>, outcome: CallOutcome): Response {
  const base = new URL(c.req.url).origin;
  c.header("cache-control", "no-store");
  switch (outcome.kind) {
    case "succeeded":
      return c.json({ run: outcome.run, result: outcome.value }, 200);
    case "pending":
      return c.json({ run: outcome.run, resume: resumeRefs(base, outcome.run) }, 202);
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
