import { parseAddress } from "../../core/address";
import { admit } from "../../core/admission";
import { hashValue } from "../../core/evidence";
import { runLedger } from "../../durable-objects/run-ledger/client";
import { inToolset, toolkitToNarrowing } from "../../core/toolset";
import { accountDirectory } from "../../durable-objects/account-directory/client";
import { scopeCatalog } from "../../durable-objects/scope-catalog/client";
import type { Identity, JsonObject, Narrowing, Principal, Run, RunStatus, ToolAddress } from "../../schemas";
import type { AuthContext } from "../shared/auth-context";
import type { Env } from "../shared/env";
import { unwrap } from "../shared/result";
import type { ResolvedTool } from "./catalog-view";
import { policiesFor, resolveAddress } from "./catalog-view";
import { admissibleTool } from "./destination";
import { execute } from "./execute";
import { maskWriteOnly, openWriteOnly } from "./write-only";

/** Transient failures of read tools are retried this many times by the workflow step. */
export const READ_RETRIES = 3;

export type ApprovedOutcome = { status: RunStatus; retry?: boolean };

/**
 * The requester's authority now: the approved call runs as them, not as the approver. Their
 * membership is re-checked, and the toolkits they were narrowed to (the Run's capabilities) are
 * re-read; a toolkit that is gone narrows to nothing.
 */
async function requester(env: Env, run: Run, orgId: string): Promise<{ principal: Principal; identity: Identity } | null> {
  const member = await accountDirectory(env.ACCOUNT_DIRECTORY).identity(run.principal.userId, orgId);
  if (!member.ok) return null;
  const narrowings: Narrowing[] = await Promise.all(
    run.capabilities.map(async (label) => {
      const [scope = "", slug = ""] = label.split("/");
      const found = run.scopeChain.includes(scope) ? await scopeCatalog(env.SCOPE_CATALOG, scope).getToolkit(slug) : null;
      return found?.ok ? toolkitToNarrowing(found.value) : { label, tools: [], patterns: [] };
    }),
  );
  const principal: Principal = {
    kind: run.principal.kind,
    credentialId: run.principal.credentialId,
    userId: run.principal.userId,
    orgId,
    chain: run.scopeChain.map((id, i) => ({ id, kind: i === 0 ? ("org" as const) : ("user" as const) })),
    narrowings,
  };
  return { principal, identity: member.value };
}

/**
 * Who an approved management call (the executor source) acts as: the requester, with their current
 * role, narrowed as the call was; a person's approval stands in for the `administer` and `approve`
 * capabilities the agent's credential may lack (DESIGN invariant 9: a person decided), never for
 * the requester's role (an org change still needs an owner).
 */
function approvedActor(who: { principal: Principal; identity: Identity }, run: Run): AuthContext {
  const toolkit = run.capabilities[0] ?? null;
  return { principal: who.principal, identity: who.identity, grant: { toolkit, capabilities: ["administer", "approve"] } };
}

/**
 * Executes an approved Run, safely repeatable (the workflow step may run again after a crash):
 * a finished Run is left alone; a Run found `running` was interrupted mid-call, so a read tool runs
 * again while a write or destructive one is failed rather than risk a second upstream effect; a
 * `queued` Run moves to `running` in one ledger step, so only one attempt ever proceeds, and a Run
 * its caller cancelled while queued never does (core/run-state: a running Run cannot be cancelled).
 *
 * Before anything is sent, admission runs again as the requester now (DESIGN invariant 6: the grant
 * must still cover where the request and credential go; invariant 5: a refusal says why): approval
 * answered only the `require_approval` outcome, never a refusal.
 */
export async function executeApproved(env: Env, orgId: string, runId: string): Promise<ApprovedOutcome> {
  const ledger = runLedger(env.RUN_LEDGER, orgId);
  const { run, input } = unwrap(await ledger.get(runId));
  /** The Run's state now, when a transition lost a race (the caller cancelled it while queued). */
  const current = async (): Promise<ApprovedOutcome> => ({ status: unwrap(await ledger.get(runId)).run.status });
  const fail = async (code: string, message: string): Promise<ApprovedOutcome> => {
    const failed = await ledger.transition(runId, { status: "failed", error: { code, message }, finishedAt: Date.now() }, ["queued", "running"]);
    return failed.ok ? { status: failed.value.status } : current();
  };
  if (run.status !== "queued" && run.status !== "running") return { status: run.status };

  const stored = (input ?? {}) as JsonObject;
  const who = await requester(env, run, orgId);
  if (!who) return fail("requester_gone", "the person who asked is no longer a member of the organization");
  const { principal } = who;
  if (!inToolset(principal.narrowings, run.address as ToolAddress)) {
    return fail("outside_toolkit", "the tool is no longer in the toolkit the call was made with");
  }
  let resolved: ResolvedTool;
  try {
    resolved = await resolveAddress(env, principal, parseAddress(run.address));
  } catch {
    return fail("tool_gone", "the tool or its connection no longer exists");
  }
  if (resolved.tool.hash !== run.toolHash) return fail("tool_changed", "the tool's definition changed after approval was requested");
  // The hash binds the call's shape with write-only values masked (call.ts); they are opened only now.
  const schema = resolved.tool.inputSchema;
  if ((await hashValue(maskWriteOnly(schema, stored))) !== run.inputHash) return fail("input_mismatch", "stored arguments do not match the approved input hash");
  let args: JsonObject;
  try {
    args = await openWriteOnly(env.VAULT_KEY, orgId, schema, stored);
  } catch {
    return fail("input_mismatch", "a sealed argument of this call could not be opened");
  }
  const decision = admit(principal, await admissibleTool(resolved), await policiesFor(env, principal, resolved.source.slug));
  if (decision.outcome === "reject") return fail(decision.reason.code, decision.reason.message);

  const idempotent = resolved.tool.sideEffect === "read";
  if (run.status === "running" && !idempotent) {
    return fail("interrupted", "the call was interrupted after it started; it is not repeated because the upstream may already have acted");
  }
  if (run.status === "queued") {
    const started = await ledger.transition(runId, { status: "running", startedAt: Date.now() }, ["queued"]);
    if (!started.ok) return current();
  }

  const result = await execute(env, resolved, args, { orgId, idempotencyKey: run.id, actor: approvedActor(who, run), runId: run.id });
  if (result.ok) return { status: unwrap(await ledger.complete(runId, result.value)).status };
  const transient = result.error.code === "upstream_unreachable" || result.error.code === "timeout" || result.status >= 500;
  if (idempotent && transient && run.retries < READ_RETRIES) {
    unwrap(await ledger.transition(runId, { retries: run.retries + 1 }, ["running"]));
    return { status: "running", retry: true };
  }
  const failed = unwrap(await ledger.transition(runId, { status: "failed", error: result.error, finishedAt: Date.now() }, ["running"]));
  return { status: failed.status };
}
