import { sha256Hex } from "../../../core/evidence";
import type { LiveWorkflowEntry, WorkflowAuthor } from "../../../durable-objects/workflow-registry";
import { workflowRegistry } from "../../../durable-objects/workflow-registry/client";
import { storeRegistry } from "../../../durable-objects/store-registry/client";
import type { JsonValue } from "../../../schemas";
import { createStore } from "../../invoke/builtin/store-lifecycle";
import type { AuthContext } from "../../shared/auth-context";
import { requireCapability } from "../../shared/capabilities";
import { requireWholeAuthority } from "../catalog/scope-access";
import { randomToken } from "../../shared/crypto";
import { webhookSecret, webhookUrl } from "../workflows/webhook-keys";
import { HttpError } from "../../shared/problem";
import type { Env } from "../env";
import type { FileIssue } from "./validate";
import { refuse } from "./validate";
import type { CheckedWorkflow } from "./workflows";
import { checkWorkflowCalls } from "./workflows";

export type WorkflowDiff = { added: string[]; changed: string[]; removed: string[]; unchanged: string[] };
/** A webhook's signing secret, in the deploy record only the first time (it is stored sealed, never shown again). */
export type NewWebhook = { workflow: string; url: string; secret: string };
export type WorkflowPlan = { entries: Omit<LiveWorkflowEntry, "commit">[]; diff: WorkflowDiff; webhooks: NewWebhook[]; triggers: Array<{ workflow: string; cron: string | null; webhook: boolean }> };

/** The authority a workflow keeps: the author first recorded for its definition, narrowed by this deployer. */
function keptAuthor(recorded: WorkflowAuthor | null, deployer: WorkflowAuthor): WorkflowAuthor {
  if (!recorded) return deployer;
  const seen = new Set(recorded.narrowings.map((n) => JSON.stringify(n)));
  return {
    ...recorded,
    narrowings: [...recorded.narrowings, ...deployer.narrowings.filter((n) => !seen.has(JSON.stringify(n)))],
    capabilities: recorded.capabilities.filter((c) => deployer.capabilities.includes(c)),
    toolkit: recorded.toolkit ?? deployer.toolkit,
    // The deployer's key must stay live too: a redeploy by a key makes the workflow depend on it.
    apiKey: deployer.apiKey ?? recorded.apiKey ?? null,
  };
}

/**
 * Checks a deploy's workflows against the catalog as the deployer sees it (422 naming each field at
 * fault, nothing deployed) and says what would change. New webhook secrets are made here and sealed;
 * they are stored only if the deploy lands.
 */
export async function planWorkflows(env: Env, auth: AuthContext, scope: string, workflows: CheckedWorkflow[], check: boolean): Promise<WorkflowPlan> {
  const registry = workflowRegistry(env.WORKFLOW_REGISTRY, scope);
  const live = new Map((await registry.list()).map((w) => [w.name, w]));
  // Placing something that fires later on its own needs its own capability, on every surface.
  if (workflows.length > 0 || live.size > 0) requireCapability(auth, "trigger-register", "deploy workflows");
  const issues: FileIssue[] = [];
  const sideEffects = await Promise.all(workflows.map((w) => checkWorkflowCalls(env, auth, scope, w, issues)));
  if (issues.length) refuse(422, issues);
  // A store a workflow declares is made at deploy: only by whom could make it by hand.
  const existing = new Set((await storeRegistry(env.STORE_REGISTRY, scope).list()).map((s) => s.name));
  if (workflows.some((w) => w.definition.stores.some((s) => !existing.has(s.name)))) requireWholeAuthority(auth);
  const deployer: WorkflowAuthor = {
    userId: auth.principal.userId,
    orgId: auth.principal.orgId,
    capabilities: [...auth.grant.capabilities],
    narrowings: auth.principal.narrowings as unknown as JsonValue[],
    toolkit: auth.grant.toolkit,
    apiKey: auth.principal.kind === "api_key" && auth.apiKey ? { id: auth.principal.credentialId, ...auth.apiKey } : null,
  };
  const diff: WorkflowDiff = { added: [], changed: [], removed: [], unchanged: [] };
  const webhooks: NewWebhook[] = [];
  const entries: WorkflowPlan["entries"] = [];
  for (const [i, w] of workflows.entries()) {
    const hash = `sha256:${await sha256Hex(JSON.stringify(w.definition))}`;
    const prior = live.get(w.name);
    if (!prior) diff.added.push(w.name);
    else if (prior.hash !== hash) diff.changed.push(w.name);
    else diff.unchanged.push(w.name);
    // A webhook keeps its id (and so its URL and secret) across deploys; a new one is shown once.
    let webhookId = w.definition.triggers.webhook ? (prior?.webhookId ?? null) : null;
    if (w.definition.triggers.webhook && !webhookId && !check) {
      webhookId = randomToken("whk");
      webhooks.push({ workflow: w.name, url: webhookUrl(env, scope, w.name, webhookId), secret: await webhookSecret(env, scope, w.name, webhookId) });
    }
    const author = keptAuthor(await registry.authorOf(hash), deployer);
    entries.push({ name: w.name, file: w.file, definition: w.definition, hash, author, sideEffects: sideEffects[i] ?? [], webhookId });
  }
  const names = new Set(workflows.map((w) => w.name));
  diff.removed = [...live.keys()].filter((n) => !names.has(n));
  const triggers = workflows.map((w) => ({ workflow: w.name, cron: w.definition.triggers.cron ?? null, webhook: w.definition.triggers.webhook }));
  return { entries, diff, webhooks, triggers };
}

/** After the commit: the stores the workflows declare (made when missing), then the live set and its schedules. */
export async function applyWorkflows(env: Env, auth: AuthContext, scope: string, plan: WorkflowPlan, commit: string): Promise<void> {
  const existing = new Set((await storeRegistry(env.STORE_REGISTRY, scope).list()).map((s) => s.name));
  for (const entry of plan.entries) {
    for (const store of entry.definition.stores) {
      if (existing.has(store.name)) continue;
      try {
        await createStore(env, auth.principal.orgId, scope, { name: store.name, kind: store.kind }, auth.principal.userId);
        existing.add(store.name);
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 409) throw error;
      }
    }
  }
  await workflowRegistry(env.WORKFLOW_REGISTRY, scope).deploy(scope, plan.entries.map((e) => ({ ...e, commit })), Date.now());
}
