import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { JsonObject, JsonValue, Policy, Toolkit } from "../../../schemas";
import { ExecutorNoInput, ExecutorPolicyRef, ExecutorPolicySet, ExecutorToolkitCreate, ExecutorToolkitRef } from "../../../schemas";
import { EXECUTOR_SLUG } from "../../invoke/builtin/executor-manifest";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";
import { createPolicy, createToolkit, listPlacedPolicies, listPlacedToolkits, removePolicy, removeToolkit } from "../catalog/governance-service";
import { writableScope } from "../catalog/scope-access";
import { parseArgs } from "./parse";

/**
 * The policies gating the executor source are changed by people (the Policies page, /v1), never
 * through it: an agent whose call to loosen them was approved once could then approve itself forever.
 */
function refuseSelfGoverning(policy: Pick<Policy, "target">): void {
  if (policy.target.source === EXECUTOR_SLUG) {
    throw new HttpError(403, "forbidden", "the executor source's own policies cannot be changed through it; change them on the Policies page or with /v1/policies");
  }
}

/** A toolkit with the MCP URL an agent connects to (`?toolkit=<slug>`: the user's of that name, else the org's). */
function toolkitView(t: Toolkit, publicUrl: string): JsonObject {
  return {
    scope: t.scope,
    slug: t.slug,
    title: t.title,
    tools: t.tools,
    patterns: t.patterns,
    runCode: t.runCode,
    mcpUrl: `${publicUrl.replace(/\/$/, "")}/mcp?toolkit=${encodeURIComponent(t.slug)}`,
  };
}

export const governanceActions: Record<string, (env: Env, actor: AuthContext, args: JsonObject) => Promise<JsonValue>> = {
  "toolkits/list": async (env, actor, args) => {
    parseArgs(ExecutorNoInput, args);
    return { toolkits: (await listPlacedToolkits(env, actor)).map((t) => toolkitView(t, env.PUBLIC_URL)) };
  },
  "toolkits/create": async (env, actor, args) => {
    const body = parseArgs(ExecutorToolkitCreate, args);
    return { toolkit: toolkitView(await createToolkit(env, actor, body), env.PUBLIC_URL) };
  },
  "toolkits/remove": async (env, actor, args) => {
    const { scope, slug } = parseArgs(ExecutorToolkitRef, args);
    return await removeToolkit(env, actor, scope, slug);
  },
  "policies/list": async (env, actor, args) => {
    parseArgs(ExecutorNoInput, args);
    return { policies: (await listPlacedPolicies(env, actor)) as unknown as JsonValue };
  },
  "policies/set": async (env, actor, args) => {
    const body = parseArgs(ExecutorPolicySet, args);
    refuseSelfGoverning(body);
    return { policy: (await createPolicy(env, actor, body)) as unknown as JsonValue };
  },
  "policies/remove": async (env, actor, args) => {
    const { scope, id } = parseArgs(ExecutorPolicyRef, args);
    refuseSelfGoverning(unwrap(await scopeCatalog(env.SCOPE_CATALOG, writableScope(actor, scope)).getPolicy(id)));
    return await removePolicy(env, actor, scope, id);
  },
};
