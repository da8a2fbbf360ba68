import { hashValue } from "../../core/evidence";
import { accountDirectory } from "../../durable-objects/account-directory/client";
import { credentialShard } from "../../durable-objects/credential-shard/client";
import { runLedger } from "../../durable-objects/run-ledger/client";
import type { NewRun } from "../../durable-objects/run-ledger/ledger";
import type { LiveWorkflowEntry, WorkflowAuthor } from "../../durable-objects/workflow-registry";
import type { CredentialCapability, JsonValue, Narrowing, Run, ToolAddress } from "../../schemas";
import type { AuthContext } from "../../workers/shared/auth-context";
import type { Env } from "../../workers/shared/env";
import { unwrap } from "../../workers/shared/result";
import type { UserWorkflowParams } from "./params";

/**
 * Whether the API key that deployed a workflow still works (not revoked, not expired, nor its
 * minter): a workflow is never longer-lived than the credential that set it up. Answers what the
 * key may do now, so a toolkit or capability taken from it since is taken from the workflow too.
 */
async function liveKey(env: Env, key: NonNullable<WorkflowAuthor["apiKey"]>): Promise<{ toolkit: string | null; capabilities: string[] } | null> {
  const home = key.shard === null ? accountDirectory(env.ACCOUNT_DIRECTORY) : credentialShard(env.CREDENTIAL_SHARD, key.shard);
  const found = await home.resolveApiKey(key.hash);
  if (!found.ok || found.value.key.id !== key.id) return null;
  return { toolkit: found.value.key.toolkit, capabilities: found.value.key.capabilities };
}

/**
 * The authority a workflow's steps run with: its author's, as captured at deploy (their toolkits
 * and capabilities), as a member of the org today, and, when a key deployed it, only while that key
 * still works (narrowed to what it may do now). Otherwise nothing runs. The credential is the
 * workflow's own, so its author can still approve its gated steps with their sign-in.
 */
export async function authorContext(env: Env, scope: string, entry: LiveWorkflowEntry): Promise<AuthContext | null> {
  const [identity, key] = await Promise.all([
    accountDirectory(env.ACCOUNT_DIRECTORY).identity(entry.author.userId, entry.author.orgId),
    entry.author.apiKey ? liveKey(env, entry.author.apiKey) : Promise.resolve(undefined),
  ]);
  if (!identity.ok || key === null) return null;
  if (key && key.toolkit !== (entry.author.toolkit ?? null)) return null; // rebound since: not the authority deployed
  const capabilities = entry.author.capabilities.filter((c) => !key || key.capabilities.includes(c)) as CredentialCapability[];
  return {
    identity: identity.value,
    // A toolkit-bound author stays bound: whole-authority checks (run listings, decisions) refuse it.
    grant: { toolkit: (entry.author.toolkit ?? null) as AuthContext["grant"]["toolkit"], capabilities },
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
      reason: {
        code: "workflow_run",
        message: `Fired by ${params.trigger.kind}${params.requestedBy ? ` (asked by ${params.requestedBy})` : ""}; each step is admitted on its own, with the author's authority.`,
      },
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
