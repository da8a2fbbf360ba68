import type { z } from "zod";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { Policy, PolicyCreateBody, Toolkit, ToolkitCreateBody, ToolkitPatch } from "../../../schemas";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { unwrap } from "../../shared/result";
import type { ScopeChoice } from "./scope-access";
import { requireWholeAuthority, scopeId, writableScope } from "./scope-access";

// Policies and toolkits as /v1 and the pages change them: one place that checks who may write which
// scope (writableScope) before the catalog is touched.

type PolicyRequest = z.infer<typeof PolicyCreateBody>;
type ToolkitRequest = z.infer<typeof ToolkitCreateBody>;

export async function createPolicy(env: Env, auth: AuthContext, body: PolicyRequest): Promise<Policy> {
  const { scope, ...input } = body;
  return unwrap(await scopeCatalog(env.SCOPE_CATALOG, writableScope(auth, scope)).createPolicy(input));
}

/** Every policy placed in the caller's scopes, outer scope first. */
export async function listPlacedPolicies(env: Env, auth: AuthContext): Promise<Policy[]> {
  requireWholeAuthority(auth);
  const lists = await Promise.all(auth.principal.chain.map((s) => scopeCatalog(env.SCOPE_CATALOG, s.id).listPolicies()));
  return lists.flatMap((l) => unwrap(l));
}

export async function removePolicy(env: Env, auth: AuthContext, which: ScopeChoice, id: string): Promise<{ deleted: string }> {
  return unwrap(await scopeCatalog(env.SCOPE_CATALOG, writableScope(auth, which)).deletePolicy(id));
}

export async function createToolkit(env: Env, auth: AuthContext, body: ToolkitRequest): Promise<Toolkit> {
  const { scope, ...input } = body;
  return unwrap(await scopeCatalog(env.SCOPE_CATALOG, writableScope(auth, scope)).createToolkit(input));
}

/** Every toolkit placed in the caller's scopes, outer scope first. */
export async function listPlacedToolkits(env: Env, auth: AuthContext): Promise<Toolkit[]> {
  requireWholeAuthority(auth);
  const lists = await Promise.all(auth.principal.chain.map((s) => scopeCatalog(env.SCOPE_CATALOG, s.id).listToolkits()));
  return lists.flatMap((l) => unwrap(l));
}

export async function getPlacedToolkit(env: Env, auth: AuthContext, which: ScopeChoice, slug: string): Promise<Toolkit> {
  requireWholeAuthority(auth);
  return unwrap(await scopeCatalog(env.SCOPE_CATALOG, scopeId(auth, which)).getToolkit(slug));
}

export async function updateToolkit(env: Env, auth: AuthContext, which: ScopeChoice, slug: string, patch: ToolkitPatch): Promise<Toolkit> {
  return unwrap(await scopeCatalog(env.SCOPE_CATALOG, writableScope(auth, which)).updateToolkit(slug, patch));
}

export async function removeToolkit(env: Env, auth: AuthContext, which: ScopeChoice, slug: string): Promise<{ deleted: string }> {
  return unwrap(await scopeCatalog(env.SCOPE_CATALOG, writableScope(auth, which)).deleteToolkit(slug));
}
