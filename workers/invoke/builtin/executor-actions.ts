import type { JsonObject, JsonValue } from "../../../schemas";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { HttpError } from "../../shared/problem";
import { scrub } from "../secrets/resolve";
import { Redactor } from "../../../core/redaction";
import type { Execution } from "../execute";

/**
 * Runs one executor tool as `actor` (the caller, or the requester of an approved Run): the
 * management services of the gateway, which check who may write which scope exactly as for /v1.
 */
export type ExecutorActions = (env: Env, actor: AuthContext, tool: string, args: JsonObject) => Promise<JsonValue>;

let provided: ExecutorActions | null = null;

/**
 * The gateway hands its management services to the invocation path at load (workers/gateway/index.ts),
 * so `invoke/` keeps importing nothing from the gateway while the Worker that runs the workflows (the
 * same script) executes approved management calls with the very code the dashboard uses.
 */
export function provideExecutorActions(actions: ExecutorActions): void {
  provided = actions;
}

/** Executes an admitted executor tool; every outcome scrubbed of the call's write-only values. */
export async function executeExecutorTool(
  env: Env,
  actor: AuthContext | undefined,
  tool: string,
  args: JsonObject,
  secrets: readonly string[],
): Promise<Execution> {
  if (!provided || !actor) {
    return { ok: false, status: 501, error: { code: "unsupported_source", message: "management actions are not available on this path" } };
  }
  try {
    return { ok: true, value: new Redactor([...secrets]).json(await provided(env, actor, tool, args)) };
  } catch (error) {
    if (error instanceof HttpError) {
      return { ok: false, status: error.status, error: { code: error.type, message: scrub(error.message, [...secrets]).slice(0, 2048) } };
    }
    const name = error instanceof Error ? error.name : "Error";
    return { ok: false, status: 500, error: { code: "action_failed", message: `the management action failed (${name})` } };
  }
}
