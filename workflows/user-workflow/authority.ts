import { hashValue } from "../../core/evidence";
import { accountDirectory } from "../../durable-objects/account-directory/client";
import { runLedger } from "../../durable-objects/run-ledger/client";
import type { NewRun } from "../../durable-objects/run-ledger/ledger";
import type { LiveWorkflowEntry } from "../../durable-objects/workflow-registry";
import type { CredentialCapability, JsonValue, Narrowing, Run, ToolAddress } from "../../schemas";
import type { AuthContext } from "../../workers/shared/auth-context";
import type { Env } from "../../workers/shared/env";
import { unwrap } from "../../workers/shared/result";
import type { UserWorkflowParams } from "./params";

/**
 * The authority a workflow's steps run with: its author's, as captured at deploy (their toolkits
 * and capabilities), as a member of the org today. An author who has left the org runs nothing.
 * The credential is the workflow's own, so its author can still approve its gated steps.
 */
export async function authorContext(env: Env, scope: string, entry: LiveWorkflowEntry): Promise<AuthContext | null> {
  const identity = await accountDirectory(env.ACCOUNT_DIRECTORY).identity(entry.author.userId, entry.author.orgId);
  if (!identity.ok) return null;
  return {
    identity: identity.value,
    grant: { toolkit: null, capabilities: entry.author.capabilities as CredentialCapability[] },
    principal: {
      kind: "system",
      credentialId: `workflow:${scope}/${entry.name}`,
      userId: identity.value.user.id,
      orgId: identity.value.org.id,
      chain: [
        { id: identity.value.org.id, kind: "org" },
        { id: identity.value.user.id, kind: "user" },
      ],
      narrowings: entry.author.narrowings as unknown as Narrowing[],
    },
  };
}

/** A workflow Run's address: the workflow, in its scope, as `workflow.<scope>.<name>.run`. */
export function workflowAddress(scope: string, name: string): ToolAddress {
  return `workflow.${scope}.${name}.run` as ToolAddress;
}

/**
 * Records the workflow's own Run (running), once per instance: a replay of this step after a
 * restart finds the same Run by its idempotency key. Every step's Run is its child.
 */
export async function recordWorkflowRun(env: Env, auth: AuthContext, params: UserWorkflowParams, entry: LiveWorkflowEntry, instanceId: string): Promise<Run> {
  const { principal } = auth;
  const now = Date.now();
  const run: NewRun = {
    parentRunId: null,
    surface: "workflow",
    principal: { kind: principal.kind, credentialId: principal.credentialId, userId: principal.userId },
    scopeChain: principal.chain.map((s) => s.id),
    capabilities: principal.narrowings.map((n) => n.label),
    address: workflowAddress(params.scope, params.name),
    toolHash: entry.hash.replace(/^sha256:/, ""),
    artifactVersion: entry.commit,
    admission: {
      outcome: "admit",
      reason: { code: "workflow_run", message: `Fired by ${params.trigger.kind}; each step is admitted on its own, with the author's authority.` },
      rule: null,
      decidingScope: null,
    },
    policyVersion: "workflow",
    inputHash: await hashValue({ trigger: params.trigger as unknown as JsonValue }),
    output: null,
    status: "running",
    createdAt: now,
    startedAt: now,
    finishedAt: null,
    approvals: [],
    retries: 0,
    error: null,
    localEgress: false,
    sandbox: null,
  };
  const recorded = unwrap(await runLedger(env.RUN_LEDGER, principal.orgId).record({ run, args: { trigger: params.trigger as unknown as JsonValue }, idempotencyKey: `workflow:${instanceId}` }));
  return recorded.run;
}
