import { z } from "zod";
import type { StoreEntry } from "../../../durable-objects/store-registry";
import { StoreKind, StoreName } from "../../../durable-objects/data-store/limits";
import type { JsonValue, RunSurface } from "../../../schemas";
import { ScopeField } from "../../../schemas";
import { callTool } from "../../invoke/call";
import { createStore, listStores, removeStore } from "../../invoke/builtin/store-lifecycle";
import { STORE_SLUG } from "../../invoke/builtin/store-manifest";
import type { AuthContext } from "../../shared/auth-context";
import { HttpError } from "../../shared/problem";
import type { Env } from "../env";
import { requireWholeAuthority, scopeId, writableScope } from "../catalog/scope-access";
import type { ScopeChoice } from "../catalog/scope-access";

export const StoreCreateBody = z
  .object({
    scope: ScopeField,
    name: StoreName,
    kind: StoreKind,
    /** A temporary store (e.g. one agent session's scratch space): emptied and gone after this long. */
    ttlSeconds: z.number().int().min(1).max(30 * 86_400).optional(),
  })
  .strict();
export type StoreCreateBody = z.infer<typeof StoreCreateBody>;

/** A store as the API shows it, with the address of each of its tools. */
export function storeView(entry: StoreEntry): JsonValue {
  const base = `${STORE_SLUG}.${entry.scope}.${entry.name}`;
  const tools = entry.kind === "kv" ? ["get", "put", "delete", "list", "search", "drop"] : ["query", "exec", "search", "drop"];
  return {
    scope: entry.scope,
    name: entry.name,
    kind: entry.kind,
    expiresAt: entry.expiresAt === null ? null : new Date(entry.expiresAt).toISOString(),
    createdAt: new Date(entry.createdAt).toISOString(),
    usage: entry.usage,
    tools: tools.map((t) => `${base}.${t}`),
  };
}

/**
 * Who may place a store: an org store is the org's (an owner with `administer`, as for any record
 * placed in the org); a store in one's own user scope needs only the credential's whole authority
 * (a toolkit-bound credential places nothing), so an agent can make its own temporary store.
 */
function placeableScope(auth: AuthContext, which: ScopeChoice): string {
  if (which === "org") return writableScope(auth, which);
  requireWholeAuthority(auth);
  return scopeId(auth, which);
}

export async function createStoreFor(env: Env, auth: AuthContext, body: StoreCreateBody): Promise<JsonValue> {
  const scope = placeableScope(auth, body.scope);
  return storeView(await createStore(env, auth.principal.orgId, scope, body, auth.principal.userId));
}

export async function listStoresFor(env: Env, auth: AuthContext): Promise<JsonValue[]> {
  requireWholeAuthority(auth);
  return (await listStores(env, auth.principal.chain.map((s) => s.id))).map(storeView);
}

export async function removeStoreFor(env: Env, auth: AuthContext, which: ScopeChoice, name: string): Promise<void> {
  const scope = placeableScope(auth, which);
  if (!StoreName.safeParse(name).success) throw new HttpError(404, "not-found", `no store named ${name} in this scope`);
  await removeStore(env, scope, name);
}

/**
 * Searches every store the caller can reach, each through its `search` tool, so each is admitted
 * (toolkit, policy) and recorded as a Run like any call; a store it may not read is left out.
 */
export async function searchStores(env: Env, auth: AuthContext, text: string, surface: RunSurface): Promise<JsonValue> {
  const stores = (await listStores(env, auth.principal.chain.map((s) => s.id))).slice(0, 25);
  const results = await Promise.all(
    stores.map(async (s) => {
      const address = `${STORE_SLUG}.${s.scope}.${s.name}.search`;
      try {
        const outcome = await callTool(env, auth, { address, args: { text, limit: 20 }, surface });
        return outcome.kind === "succeeded" ? { store: `${s.scope}/${s.name}`, address, runId: outcome.run.id, result: outcome.value } : null;
      } catch {
        return null; // outside the caller's toolkit: not found, like any tool it cannot see
      }
    }),
  );
  return { results: results.filter((r) => r !== null) };
}
