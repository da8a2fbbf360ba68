import { admit } from "../../core/admission";
import { SANDBOX_CLASS } from "../../dynamic-plugins/code/sandbox";
import { hashValue } from "../../core/evidence";
import { runLedger } from "../../durable-objects/run-ledger/client";
import type { NewRun } from "../../durable-objects/run-ledger/ledger";
import type { AdmissionDecision, JsonObject, JsonValue, Policy, Run, RunSurface } from "../../schemas";
import type { AuthContext } from "../shared/auth-context";
import type { Env } from "../shared/env";
import { HttpError } from "../shared/problem";
import { unwrap } from "../shared/result";
import { validateArguments } from "./arguments";
import type { ResolvedTool } from "./catalog-view";
import { addressFrom, policiesFor, resolveAddress } from "./catalog-view";
import { admissibleTool } from "./destination";
import { allowsLoopback } from "./egress";
import { startApprovalWorkflow } from "./approvals";
import { execute } from "./execute";
import { maskWriteOnly, sealWriteOnly } from "./write-only";
import type { StageTimer } from "../shared/timing";

export type CallRequest = {
  address: string;
  args: JsonObject;
  surface: RunSurface;
  idempotencyKey?: string | null;
  parentRunId?: string | null;
  /** For a call made by running code: the ledger refuses it once the parent stops or its budget is spent. */
  parent?: { maxChildren: number };
  /** A workflow step: the event its instance gets once a gated call is decided and done. */
  notify?: { instance: string; event: string };
  /** Marks each stage (resolve, admission, run_record, secret, upstream, run_complete) for Server-Timing. */
  timer?: StageTimer;
};

/** What the one invocation path answers; every outcome carries its persisted Run. */
export type CallOutcome =
  | { kind: "succeeded"; run: Run; value: JsonValue }
  | { kind: "pending"; run: Run }
  | { kind: "rejected"; run: Run; issues?: Array<{ path: string; message: string }> }
  | { kind: "failed"; run: Run; httpStatus: number };

/** The policy version a decision was made under: a hash of the policies that were considered. */
export async function policyVersion(policies: Policy[]): Promise<string> {
  const ids = policies.map((p) => `${p.id}:${p.action}:${p.updatedAt}`).sort();
  return (await hashValue(ids)).slice(0, 16);
}

export function baseRun(
  auth: AuthContext,
  resolved: ResolvedTool,
  req: CallRequest,
  admission: AdmissionDecision,
  version: string,
  inputHash: string,
  env: Env,
): NewRun {
  const { principal } = auth;
  return {
    parentRunId: req.parentRunId ?? null,
    surface: req.surface,
    principal: { kind: principal.kind, credentialId: principal.credentialId, userId: principal.userId },
    scopeChain: principal.chain.map((s) => s.id),
    capabilities: principal.narrowings.map((n) => n.label),
    address: resolved.address.address,
    toolHash: resolved.tool.hash,
    artifactVersion: resolved.source.manifestHash,
    admission,
    policyVersion: version,
    inputHash,
    output: null,
    status: "queued",
    createdAt: Date.now(),
    startedAt: null,
    finishedAt: null,
    approvals: [],
    retries: 0,
    error: null,
    localEgress: allowsLoopback(env, resolved.source),
    // A custom tool's code runs in a Worker Loader isolate (DESIGN invariant 7: say what ran it).
    sandbox: resolved.source.kind === "custom" ? SANDBOX_CLASS : null,
  };
}

/** Executes a Run already moved to `running`, then records its outcome before anyone is answered. */
export async function runToCompletion(env: Env, auth: AuthContext, run: Run, resolved: ResolvedTool, args: JsonObject, timer?: StageTimer): Promise<CallOutcome> {
  const orgId = auth.principal.orgId;
  const ledger = runLedger(env.RUN_LEDGER, orgId);
  const result = await execute(env, resolved, args, { orgId, actor: auth, runId: run.id, ...(timer ? { timer } : {}) });
  const finishedAt = Date.now();
  const logs = result.logs?.length ? result.logs : undefined;
  if (result.ok) {
    const done = unwrap(await ledger.complete(run.id, result.value, logs));
    timer?.mark("run_complete");
    return { kind: "succeeded", run: done, value: result.value };
  }
  const failed = unwrap(await ledger.transition(run.id, { status: "failed", error: result.error, finishedAt, ...(logs ? { logs } : {}) }, ["running"]));
  return { kind: "failed", run: failed, httpStatus: result.status };
}

/**
 * The one invocation path (DESIGN §4): address → catalog lookup in the caller's scopes → admission
 * (toolkit ∩ grants, then policy) → argument validation → invoke, with a Run persisted for every
 * outcome (admitted, refused, pending) before the answer.
 */
export async function callTool(env: Env, auth: AuthContext, req: CallRequest): Promise<CallOutcome> {
  const { principal } = auth;
  const parsed = addressFrom(req.address);
  const [resolved, policies] = await Promise.all([
    resolveAddress(env, principal, parsed),
    policiesFor(env, principal, parsed.source),
  ]);
  req.timer?.mark("resolve");
  const admission = admit(principal, await admissibleTool(resolved), policies);
  // Write-only values (a secret handed to a management tool) are hashed, shown and stored only as
  // "[write-only]" or sealed: the Run binds the call's shape, never the secret (write-only.ts).
  const schema = resolved.tool.inputSchema;
  const inputHash = await hashValue(maskWriteOnly(schema, req.args));
  if (req.idempotencyKey) {
    // draft-ietf-httpapi-idempotency-key-header §2.7: a key reused with another request is an error.
    const prior = unwrap(await runLedger(env.RUN_LEDGER, principal.orgId).byIdempotencyKey(req.idempotencyKey));
    if (prior && (prior.address !== resolved.address.address || prior.inputHash !== inputHash)) {
      throw new HttpError(422, "validation-failed", "this Idempotency-Key was already used for a different call");
    }
    if (prior) return replayOutcome(prior);
  }
  const run = baseRun(auth, resolved, req, admission, await policyVersion(policies), inputHash, env);
  const ledger = runLedger(env.RUN_LEDGER, principal.orgId);
  const record = async (r: NewRun, args: JsonValue | null): Promise<{ run: Run; replayed: boolean }> =>
    unwrap(await ledger.record({ run: r, args, idempotencyKey: req.idempotencyKey ?? null, ...(req.parent ? { parent: req.parent } : {}) }));

  if (admission.outcome === "reject") {
    const { run: rejected } = await record({ ...run, status: "rejected", finishedAt: run.createdAt }, null);
    return { kind: "rejected", run: rejected };
  }
  const issues = validateArguments(resolved.tool.inputSchema, req.args);
  if (issues.length > 0) {
    const error = { code: "invalid_arguments", message: issues.map((i) => `${i.path}: ${i.message}`).join("; ").slice(0, 2048) };
    const { run: rejected } = await record({ ...run, status: "rejected", error, finishedAt: run.createdAt }, null);
    return { kind: "rejected", run: rejected, issues };
  }
  const stored = await sealWriteOnly(env.VAULT_KEY, principal.orgId, schema, req.args);
  req.timer?.mark("admission");
  if (admission.outcome === "require_approval") {
    const { run: pending, replayed } = await record({ ...run, status: "pending_approval" }, stored);
    // The Run is persisted first; its workflow is the durable wait. If starting it fails, deciding
    // the Run starts it then (approvals.ts), so nothing is lost.
    if (!replayed) await startApprovalWorkflow(env, principal.orgId, pending, req.notify).catch(() => undefined);
    return { kind: "pending", run: pending };
  }
  const { run: started, replayed } = await record({ ...run, status: "running", startedAt: run.createdAt }, stored);
  req.timer?.mark("run_record");
  if (replayed) return replayOutcome(started);
  return runToCompletion(env, auth, started, resolved, req.args, req.timer);
}

/** A retried request with a known idempotency key gets the first attempt's Run, never a second call. */
function replayOutcome(run: Run): CallOutcome {
  if (run.status === "succeeded" && run.output?.kind === "inline") return { kind: "succeeded", run, value: run.output.value as JsonValue };
  if (run.status === "pending_approval") return { kind: "pending", run };
  if (run.status === "rejected") return { kind: "rejected", run };
  return { kind: "failed", run, httpStatus: run.status === "running" ? 409 : 502 };
}
