import { z } from "zod";
import type { LiveWorkflowEntry, TriggerState } from "../../../durable-objects/workflow-registry";
import { workflowRegistry } from "../../../durable-objects/workflow-registry/client";
import type { JsonValue } from "../../../schemas";
import { JsonValue as JsonValueSchema } from "../../../schemas";
import type { AuthContext } from "../../shared/auth-context";
import { HttpError } from "../../shared/problem";
import { requireCapability } from "../../shared/capabilities";
import type { Env } from "../env";
import { requireWholeAuthority, writableScope } from "../catalog/scope-access";
import { startWorkflow } from "./start";

export const RunBody = z.object({ payload: JsonValueSchema.default(null) }).strict();

/** A workflow as the API shows it: never its webhook secret. */
export function workflowView(entry: LiveWorkflowEntry, state?: TriggerState): JsonValue {
  const { definition } = entry;
  return {
    name: entry.name,
    file: entry.file,
    description: definition.description,
    commit: entry.commit,
    triggers: { cron: definition.triggers.cron ?? null, timezone: definition.triggers.timezone, webhook: definition.triggers.webhook, manual: true },
    stores: definition.stores,
    steps: definition.steps.map((s, i) => ({ id: s.id, ...("tool" in s ? { tool: s.tool } : { code: true }), sideEffect: entry.sideEffects[i] ?? null })),
    ...(state
      ? {
          nextRunAt: state.nextAt === null ? null : new Date(state.nextAt).toISOString(),
          running: state.running,
          failures: state.failures,
          backoffUntil: state.backoffUntil ? new Date(state.backoffUntil).toISOString() : null,
          firings: state.firings.map((f) => ({ ...f, at: new Date(f.at).toISOString() })),
        }
      : {}),
  } as JsonValue;
}

/** The scope a workflow lives in, if the caller holds it (anything else is "not found"). */
function heldScope(auth: AuthContext, scope: string): string {
  if (!auth.principal.chain.some((s) => s.id === scope)) throw new HttpError(404, "not-found", `no workflow in scope ${scope}`);
  return scope;
}

/**
 * Running a workflow acts with its author's authority, so only its author starts it by hand (an
 * org workflow also needs what placing one in the org needs), with the capability that places
 * triggers: another owner running it would act as its author.
 */
function mayRun(auth: AuthContext, scope: string, author: string | null): void {
  heldScope(auth, scope);
  requireCapability(auth, "trigger-register", "run workflows");
  if (scope === auth.identity.org.id) writableScope(auth, "org");
  else requireWholeAuthority(auth);
  if (author !== null && author !== auth.principal.userId) throw new HttpError(403, "forbidden", "only the workflow's author may run it by hand: it runs with their authority");
}

/** Who may see what a run of the workflow produced: its author, or an org owner with whole authority. */
function maySeeOutput(auth: AuthContext, author: string): boolean {
  return auth.principal.userId === author || (auth.identity.role === "owner" && auth.grant.toolkit === null);
}

export async function listWorkflows(env: Env, auth: AuthContext): Promise<JsonValue[]> {
  requireWholeAuthority(auth);
  const lists = await Promise.all(auth.principal.chain.map(async (s) => ({ scope: s.id, list: await workflowRegistry(env.WORKFLOW_REGISTRY, s.id).list() })));
  return lists.flatMap(({ scope, list }) => list.map((w) => ({ ...(workflowView(w) as Record<string, JsonValue>), scope })));
}

export async function getWorkflow(env: Env, auth: AuthContext, scope: string, name: string): Promise<JsonValue> {
  requireWholeAuthority(auth);
  const found = await workflowRegistry(env.WORKFLOW_REGISTRY, heldScope(auth, scope)).get(name);
  if (!found) throw new HttpError(404, "not-found", `no workflow ${name} in scope ${scope}`);
  return { ...(workflowView(found.workflow, found.state) as Record<string, JsonValue>), scope };
}

export async function runWorkflow(env: Env, auth: AuthContext, scope: string, name: string, payload: JsonValue): Promise<{ instanceId: string }> {
  heldScope(auth, scope);
  const found = await workflowRegistry(env.WORKFLOW_REGISTRY, scope).get(name);
  if (!found) throw new HttpError(404, "not-found", `no workflow ${name} in scope ${scope}`);
  mayRun(auth, scope, found.workflow.author.userId);
  return startWorkflow(env, scope, name, "manual", payload, auth.principal.userId);
}

/** Where an instance stands (Workflows' own status) and its output once done. */
export async function instanceStatus(env: Env, auth: AuthContext, scope: string, name: string, id: string): Promise<JsonValue> {
  requireWholeAuthority(auth);
  const found = await workflowRegistry(env.WORKFLOW_REGISTRY, heldScope(auth, scope)).get(name);
  const fired = found?.state.firings.some((f) => f.instanceId === id) || found?.state.running?.instanceId === id;
  if (!found || !fired || !env.USER_WORKFLOWS) throw new HttpError(404, "not-found", `no run ${id} of workflow ${name}`);
  const status = await (await env.USER_WORKFLOWS.get(id)).status();
  // The output is what the author's authority read: shown to those who may see the author's Runs.
  if (!maySeeOutput(auth, found.workflow.author.userId)) return { instanceId: id, status: status.status };
  return { instanceId: id, status: status.status, output: (status.output ?? null) as JsonValue, error: status.error ? { name: status.error.name, message: status.error.message } : null };
}

/** Development only: fires what a scope's schedules have due at `now` (time advanced by the caller, never slept). */
export async function tickScope(env: Env, auth: AuthContext, scope: string, now: number): Promise<string[]> {
  if (env.EXECUTOR_ENV !== "development") throw new HttpError(404, "not-found", "not found");
  mayRun(auth, scope, null);
  return workflowRegistry(env.WORKFLOW_REGISTRY, scope).tick(now);
}
