import { parseAddress } from "../../../core/address";
import { hashValue } from "../../../core/evidence";
import { resolvePolicy } from "../../../core/policy";
import { runLedger } from "../../../durable-objects/run-ledger/client";
import type { JsonObject, Principal, Run } from "../../../schemas";
import type { AuthContext } from "../auth/principal";
import type { Env } from "../env";
import { HttpError } from "../problem";
import { unwrap } from "../result";
import type { CallOutcome } from "./call";
import { runToCompletion } from "./call";
import { policiesFor, resolveAddress } from "./catalog-view";

/** Who may decide: a principal holding the scope whose rule asked for approval, with its whole authority. */
function assertMayDecide(auth: AuthContext, run: Run): void {
  if (auth.grant.toolkit !== null) throw new HttpError(403, "forbidden", "a toolkit-bound credential cannot decide approvals");
  const scope = run.admission.decidingScope;
  if (scope === null || !auth.principal.chain.some((s) => s.id === scope)) {
    throw new HttpError(403, "forbidden", `only a member of ${scope ?? "the deciding scope"} may decide this run`);
  }
}

/** The requester's authority as recorded on the Run: the approved call runs as them, not as the approver. */
function requester(run: Run, orgId: string): Principal {
  return {
    kind: run.principal.kind,
    credentialId: run.principal.credentialId,
    userId: run.principal.userId,
    orgId,
    chain: run.scopeChain.map((id, i) => ({ id, kind: i === 0 ? ("org" as const) : ("user" as const) })),
    narrowings: [],
  };
}

/**
 * Decides a pending Run. Approve moves it pending_approval → queued in one Durable Object step, so
 * of two concurrent approvals exactly one wins; the winner runs the call once, with the stored
 * arguments, after checking they still hash to what was approved and that no policy now blocks it.
 */
export async function decideRun(
  env: Env,
  auth: AuthContext,
  runId: string,
  decision: "approve" | "deny",
  comment: string | undefined,
): Promise<CallOutcome> {
  const orgId = auth.principal.orgId;
  const ledger = runLedger(env.RUN_LEDGER, orgId);
  const found = await ledger.get(runId);
  if (!found.ok) throw new HttpError(404, "not-found", `no run '${runId}'`);
  const { run, input } = found.value;
  assertMayDecide(auth, run);
  const approval = { decision, by: auth.principal.userId, at: Date.now(), ...(comment ? { comment } : {}) };
  const approvals = [...run.approvals, approval];
  if (decision === "deny") {
    const denied = unwrap(await ledger.transition(runId, { status: "denied", approvals, finishedAt: approval.at }, ["pending_approval"]));
    return { kind: "rejected", run: denied };
  }
  const queued = unwrap(await ledger.transition(runId, { status: "queued", approvals }, ["pending_approval"]));

  const args = (input ?? {}) as JsonObject;
  const fail = async (code: string, message: string, httpStatus: number): Promise<CallOutcome> => {
    const failed = unwrap(await ledger.transition(runId, { status: "failed", error: { code, message }, finishedAt: Date.now() }, ["queued"]));
    return { kind: "failed", run: failed, httpStatus };
  };
  if ((await hashValue(args)) !== queued.inputHash) return fail("input_mismatch", "stored arguments do not match the approved input hash", 409);
  const principal = requester(queued, orgId);
  let resolved;
  try {
    resolved = await resolveAddress(env, principal, parseAddress(queued.address));
  } catch {
    return fail("tool_gone", "the tool or its connection no longer exists", 410);
  }
  if (resolved.tool.hash !== queued.toolHash) return fail("tool_changed", "the tool's definition changed after approval was requested", 409);
  const policy = resolvePolicy({
    chain: principal.chain,
    policies: await policiesFor(env, principal, resolved.source.slug),
    tool: {
      source: resolved.source.slug,
      scope: resolved.source.scope,
      connection: { scope: resolved.connection.scope, name: resolved.connection.name },
      name: resolved.tool.name,
      sideEffect: resolved.tool.sideEffect,
    },
  });
  if (policy.action === "block") return fail("blocked_by_policy", "a policy now blocks this call", 403);
  const running = unwrap(await ledger.transition(runId, { status: "running", startedAt: Date.now() }, ["queued"]));
  return runToCompletion(env, orgId, running, resolved, args);
}
