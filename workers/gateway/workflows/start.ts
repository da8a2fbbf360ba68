import { workflowRegistry } from "../../../durable-objects/workflow-registry/client";
import type { Firing } from "../../../durable-objects/workflow-registry";
import type { JsonValue } from "../../../schemas";
import { HttpError } from "../../shared/problem";
import type { Env } from "../env";

/**
 * Fires a workflow (a webhook or a manual run): the firing is recorded first, then an instance is
 * created. A firing while the previous instance still runs, or while a failing trigger backs off,
 * is recorded as skipped and answers 409 with the reason, so instances never pile up.
 */
export async function startWorkflow(env: Env, scope: string, name: string, kind: Firing["kind"], payload: JsonValue, requestedBy: string | null, nonce?: string): Promise<{ instanceId: string }> {
  const registry = workflowRegistry(env.WORKFLOW_REGISTRY, scope);
  const instanceId = `wf-${crypto.randomUUID()}`;
  const now = Date.now();
  const decision = await registry.fire(name, kind, now, instanceId, nonce);
  if (!decision.start) {
    if (decision.reason === "no such workflow") throw new HttpError(404, "not-found", `no workflow ${name} in scope ${scope}`);
    throw new HttpError(409, "conflict", `not started: ${decision.reason ?? "refused"}`);
  }
  if (!env.USER_WORKFLOWS) throw new HttpError(503, "unavailable", "workflows are not configured on this deployment");
  try {
    await env.USER_WORKFLOWS.create({ id: instanceId, params: { scope, name, trigger: { kind, payload, firedAt: new Date(now).toISOString() }, requestedBy } });
  } catch {
    await registry.unstarted(name, instanceId);
    throw new HttpError(503, "unavailable", "the workflow could not be started; try again");
  }
  return { instanceId };
}
