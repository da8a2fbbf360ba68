import { runLedger } from "../../../durable-objects/run-ledger/client";
import type { JsonObject, JsonValue } from "../../../schemas";
import { ExecutorDecision, ExecutorNoInput, ExecutorRunRef, ExecutorRunsList } from "../../../schemas";
import { decideRun, mayDecide, readRun } from "../../invoke/approvals";
import { shownInput } from "../../invoke/write-only";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { unwrap } from "../../shared/result";
import { requireWholeAuthority } from "../catalog/scope-access";
import { visibleRunsFilter } from "../routes/v1-runs";
import { parseArgs } from "./parse";

/** Pending calls listed per page of approvals/list. */
const PENDING_SHOWN = 100;

// Runs as the same rules show them everywhere (canSeeRun, visibleRunsFilter): owners see the org's,
// members their own; an input is shown with its write-only values masked.
export const runActions: Record<string, (env: Env, actor: AuthContext, args: JsonObject) => Promise<JsonValue>> = {
  "runs/list": async (env, actor, args) => {
    requireWholeAuthority(actor);
    const q = parseArgs(ExecutorRunsList, args);
    const page = unwrap(await runLedger(env.RUN_LEDGER, actor.principal.orgId).list(visibleRunsFilter(actor, q)));
    return page as unknown as JsonValue;
  },
  "runs/get": async (env, actor, args) => {
    const { runId } = parseArgs(ExecutorRunRef, args);
    const { run } = await readRun(env, actor, runId);
    return { run } as unknown as JsonValue;
  },
  "approvals/list": async (env, actor, args) => {
    parseArgs(ExecutorNoInput, args);
    const ledger = runLedger(env.RUN_LEDGER, actor.principal.orgId);
    const page = unwrap(await ledger.list({ status: "pending_approval", limit: PENDING_SHOWN }));
    const pending = await Promise.all(
      page.runs
        .filter((r) => mayDecide(actor, r))
        .map(async (r) => ({
          runId: r.id,
          address: r.address,
          reason: r.admission.reason.message,
          requestedBy: r.principal.userId,
          requestedAt: new Date(r.createdAt).toISOString(),
          arguments: shownInput(unwrap(await ledger.get(r.id)).input),
        })),
    );
    return { pending } as unknown as JsonValue;
  },
  "approvals/decide": async (env, actor, args) => {
    const { runId, decision, comment } = parseArgs(ExecutorDecision, args);
    const outcome = await decideRun(env, actor, runId, decision, comment);
    return { runId: outcome.run.id, status: outcome.run.status };
  },
};
