import { runLedger } from "../../durable-objects/run-ledger/client";
import { scopeCatalog } from "../../durable-objects/scope-catalog/client";
import type { JsonValue, Run } from "../../schemas";
import type { ApprovalParams, DecisionEvent } from "../../schemas";
import { DECISION_EVENT } from "../../schemas";
import { requireCapability } from "../shared/capabilities";
import type { AuthContext } from "../shared/auth-context";
import type { Env } from "../shared/env";
import { HttpError } from "../shared/problem";
import { unwrap } from "../shared/result";
import type { CallOutcome } from "./call";
import { EXECUTOR_SLUG } from "./builtin/executor-manifest";
import { shownInput } from "./write-only";

/** How long an approve request waits for the approved call to finish before answering 202. */
const APPROVE_WAIT_MS = 20_000;

export function approvalTimeoutSeconds(env: Env): number {
  const n = Number(env.APPROVAL_TIMEOUT_SECONDS);
  return Number.isInteger(n) && n >= 1 && n <= 30 * 86_400 ? n : 86_400;
}

/** Starts the durable wait for a gated Run (instance id = run id). */
export async function startApprovalWorkflow(env: Env, orgId: string, run: Run, notify?: ApprovalParams["notify"]): Promise<void> {
  const params: ApprovalParams = { orgId, runId: run.id, timeoutSeconds: approvalTimeoutSeconds(env), ...(notify ? { notify } : {}) };
  await env.APPROVAL_RUNS.create({ id: run.id, params });
}

async function signal(env: Env, orgId: string, run: Run, decision: DecisionEvent["decision"]): Promise<void> {
  let instance: WorkflowInstance;
  try {
    instance = await env.APPROVAL_RUNS.get(run.id);
  } catch {
    // No instance (it failed to start when the Run was created): start it now; it acts on the ledger.
    await startApprovalWorkflow(env, orgId, run);
    instance = await env.APPROVAL_RUNS.get(run.id);
  }
  await instance.sendEvent({ type: DECISION_EVENT, payload: { decision } satisfies DecisionEvent });
}

/** Who may decide: a principal holding the scope whose rule asked for approval, with its whole authority. */
export function mayDecide(auth: AuthContext, run: Run): boolean {
  const scope = run.admission.decidingScope;
  return auth.grant.toolkit === null && scope !== null && auth.principal.chain.some((s) => s.id === scope);
}

/** The person and credential that made the call (a toolkit-bound credential is only itself). */
function madeBy(auth: AuthContext, run: Run): boolean {
  return run.principal.userId === auth.principal.userId && (auth.grant.toolkit === null || run.principal.credentialId === auth.principal.credentialId);
}

/**
 * Who may see a Run (one rule for `/v1/runs/:id`, `run_status`, `read_result`, review links, deciding
 * and cancelling): an org owner with whole authority; the person who made it (a toolkit-bound
 * credential only its own Runs); and, while it waits, anyone entitled to decide it. Once decided, a
 * member who decided it does not keep sight of it: the record then carries the call's output,
 * obtained with the requester's credential (possibly their own connection), which deciding never
 * entitled them to; the decision itself is in the record, for the caller and owners to audit.
 */
export function canSeeRun(auth: AuthContext, run: Run): boolean {
  const whole = auth.grant.toolkit === null;
  if (whole && auth.identity.role === "owner") return true;
  if (madeBy(auth, run)) return true;
  return run.status === "pending_approval" && mayDecide(auth, run);
}

async function assertMayDecide(env: Env, auth: AuthContext, run: Run, decision: "approve" | "deny"): Promise<void> {
  if (auth.grant.toolkit !== null) throw new HttpError(403, "forbidden", "a toolkit-bound credential cannot decide approvals");
  // The credential that made a gated call (an agent's key or token) can never approve it.
  if (decision === "approve" && run.principal.credentialId === auth.principal.credentialId) {
    throw new HttpError(403, "forbidden", "the credential that made this call cannot approve it; approve as a person (the review link, the Approvals page) or with another credential");
  }
  // DESIGN invariant 9: a decision that needs a person is made by a person (a session or an OAuth
  // sign-in), or by a credential an owner explicitly granted the approve capability.
  requireCapability(auth, "approve", "decide approvals");
  if (!mayDecide(auth, run)) {
    throw new HttpError(403, "forbidden", `only a member of ${run.admission.decidingScope ?? "the deciding scope"} may decide this run`);
  }
  // A management call acts with the requester's role, so approving one is an administrator's act:
  // an org owner, or the requester themself as a person (never an ordinary member for someone else).
  if (decision === "approve" && run.address.startsWith(`${EXECUTOR_SLUG}.`) && auth.identity.role !== "owner" && run.principal.userId !== auth.principal.userId) {
    throw new HttpError(403, "forbidden", "a call to the executor source changes the platform's configuration; only an org owner or the person who asked may approve it");
  }
  // Separation of duties, when the deciding policy asks for it: nobody approves their own call.
  const rule = run.admission.rule;
  if (decision === "approve" && rule?.kind === "policy" && run.principal.userId === auth.principal.userId) {
    const policy = await scopeCatalog(env.SCOPE_CATALOG, rule.scope).getPolicy(rule.policyId);
    if (!policy.ok || policy.value.forbidSelfApproval) {
      throw new HttpError(403, "forbidden", "this policy requires someone other than the caller to approve");
    }
  }
}

/** A Run the caller may see, else 404 exactly as for a Run that does not exist. */
export async function readRun(env: Env, auth: AuthContext, runId: string): Promise<{ run: Run; input: JsonValue | null }> {
  const found = await runLedger(env.RUN_LEDGER, auth.principal.orgId).get(runId);
  if (!found.ok || !canSeeRun(auth, found.value.run)) throw new HttpError(404, "not-found", `no run '${runId}'`);
  // As every reader sees it: write-only arguments stay sealed out of sight.
  return { run: found.value.run, input: shownInput(found.value.input) };
}

async function settle(env: Env, orgId: string, runId: string): Promise<CallOutcome> {
  const ledger = runLedger(env.RUN_LEDGER, orgId);
  const deadline = Date.now() + APPROVE_WAIT_MS;
  for (;;) {
    const run = unwrap(await ledger.get(runId)).run;
    if (run.status === "succeeded") {
      const value = run.output?.kind === "inline" ? (run.output.value as JsonValue) : { resultHandle: run.id };
      return { kind: "succeeded", run, value };
    }
    if (run.status === "failed") return { kind: "failed", run, httpStatus: 502 };
    if (run.status === "cancelled" || Date.now() > deadline) return { kind: "pending", run };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Decides a pending Run. The decision is one ledger transition (pending_approval → queued or denied),
 * so of two concurrent approvals exactly one wins; the Run's workflow then executes the call once,
 * with the stored arguments. Answers with the result when it finishes quickly, else the queued Run.
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
  const { run } = await readRun(env, auth, runId);
  await assertMayDecide(env, auth, run, decision);
  const approval = { decision, by: auth.principal.userId, at: Date.now(), ...(comment ? { comment } : {}) };
  const approvals = [...run.approvals, approval];
  if (decision === "deny") {
    const denied = unwrap(await ledger.transition(runId, { status: "denied", approvals, finishedAt: approval.at }, ["pending_approval"]));
    await signal(env, orgId, denied, "deny").catch(() => undefined);
    return { kind: "rejected", run: denied };
  }
  const queued = unwrap(await ledger.transition(runId, { status: "queued", approvals }, ["pending_approval"]));
  // The decision is recorded; the workflow must hear it. Retry the signal rather than strand the Run.
  for (let attempt = 1; ; attempt++) {
    try {
      await signal(env, orgId, queued, "approve");
      break;
    } catch (error) {
      if (attempt >= 3) throw error;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  return settle(env, orgId, runId);
}

/**
 * Cancels a Run that has not been handed to the upstream. A `running` Run may already have acted
 * upstream, so cancelling it is refused for everyone (409): a Run never says cancelled when the
 * upstream may have acted, and its outcome is recorded truthfully (core/run-state). A pending or
 * queued Run may be cancelled by whoever made the call (the same credential if it is toolkit-bound);
 * a pending one also by those entitled to decide it, which is a decision (assertMayDecide).
 */
export async function cancelRun(env: Env, auth: AuthContext, runId: string): Promise<Run> {
  const orgId = auth.principal.orgId;
  const { run } = await readRun(env, auth, runId);
  if (run.status !== "pending_approval" && run.status !== "queued") {
    const why = run.status === "running" ? ": the call was handed to the upstream, which may already have acted," : "";
    throw new HttpError(409, "conflict", `run '${runId}' is ${run.status}${why} so it cannot be cancelled`);
  }
  if (!madeBy(auth, run)) {
    if (run.status === "queued") throw new HttpError(403, "forbidden", `run '${runId}' is queued (approved); only the caller may cancel it now`);
    await assertMayDecide(env, auth, run, "deny");
  }
  // One ledger transition from exactly the state the checks saw: a Run that started, or was decided,
  // meanwhile stays as it is (409), so nobody cancels what they were not entitled to cancel.
  const cancelled = unwrap(await runLedger(env.RUN_LEDGER, orgId).transition(runId, { status: "cancelled", finishedAt: Date.now() }, [run.status]));
  if (run.status === "pending_approval") await signal(env, orgId, cancelled, "cancel").catch(() => undefined);
  return cancelled;
}
