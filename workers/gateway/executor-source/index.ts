import type { JsonObject, JsonValue } from "../../../schemas";
import type { ExecutorActions } from "../../invoke/builtin/executor-actions";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { HttpError } from "../../shared/problem";
import { connectionActions } from "./connections";
import { governanceActions } from "./governance";
import { runActions } from "./runs";
import { sourceActions } from "./sources";

type Action = (env: Env, actor: AuthContext, args: JsonObject) => Promise<JsonValue>;

/** Every executor tool by name (workers/invoke/builtin/executor-manifest.ts lists their definitions). */
export const EXECUTOR_ACTIONS: Readonly<Record<string, Action>> = { ...sourceActions, ...connectionActions, ...governanceActions, ...runActions };

/**
 * The built-in executor source's implementation: the same services the dashboard and /v1 use, as
 * the caller (or the approved Run's requester), so every rule (owners change the org, members their
 * own scope, a toolkit-bound credential administers nothing) holds for an agent exactly as for a person.
 */
export const executorActions: ExecutorActions = async (env, actor, tool, args) => {
  const action = EXECUTOR_ACTIONS[tool];
  if (!action) throw new HttpError(404, "not-found", `the executor source has no tool '${tool}'`);
  return action(env, actor, args);
};
