import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import { manifestHash } from "../../../sources/hash";
import type { CatalogToolDefinition, SourceKind } from "../../../schemas";
import type { Env } from "../../shared/env";
import { unwrap } from "../../shared/result";
import { EXECUTOR_CONNECTION, EXECUTOR_SLUG, executorTools } from "./executor-manifest";
import { STORE_SLUG, storeTools } from "./store-manifest";

type Builtin = { slug: string; kind: SourceKind; title: string; tools: () => Promise<CatalogToolDefinition[]>; connection: string | null };

/**
 * The sources every org has, defined by the deployment's own code: `executor` (its management
 * actions, one connection) and `store` (whose connections are the scope's stores, made by
 * POST /v1/stores, so it starts with none).
 */
const BUILTINS: readonly Builtin[] = [
  { slug: EXECUTOR_SLUG, kind: "executor", title: "Executor", tools: executorTools, connection: EXECUTOR_CONNECTION },
  { slug: STORE_SLUG, kind: "store", title: "Stores", tools: storeTools, connection: null },
];

/** Orgs whose built-in sources this isolate has seen current: one catalog read per org per isolate. */
const ensured = new Map<string, Promise<void>>();

async function seedOne(env: Env, orgId: string, builtin: Builtin): Promise<void> {
  const tools = await builtin.tools();
  const hash = await manifestHash({ kind: builtin.kind, title: builtin.title, tools, auth: [] });
  const catalog = scopeCatalog(env.SCOPE_CATALOG, orgId);
  const found = await catalog.getSource(builtin.slug);
  if (!found.ok) {
    const created = await catalog.importSource({
      source: { slug: builtin.slug, kind: builtin.kind, title: builtin.title, config: {}, local: false },
      tools,
      manifestHash: hash,
      auth: [],
      ...(builtin.connection ? { connection: { name: builtin.connection, secretRef: null } } : {}),
    });
    // Another request seeded it first: the same definitions, so nothing is lost.
    if (!created.ok && created.error.code !== "conflict") unwrap(created);
    return;
  }
  if (found.value.manifestHash === hash) return;
  // A new version of the platform: these tools are the deployment's own code, not an upstream's
  // description, so a tool it adds is granted with it (what may call it stays with policy, which
  // gates every write). An imported spec's refresh never does this (invariant: refresh grants nothing).
  const report = unwrap(await catalog.syncTools(builtin.slug, { tools, manifestHash: hash, auth: [] }));
  for (const name of [...report.added, ...report.moved]) unwrap(await catalog.grantTool(builtin.slug, name));
}

/**
 * Makes sure the org's built-in sources exist at this deployment's definitions. Called before
 * anything lists or resolves the org's tools; a failure is retried on the next request rather than
 * remembered.
 */
export function ensureExecutorSource(env: Env, orgId: string): Promise<void> {
  let pending = ensured.get(orgId);
  if (!pending) {
    pending = Promise.all(BUILTINS.map((b) => seedOne(env, orgId, b)))
      .then(() => undefined)
      .catch((error: unknown) => {
        ensured.delete(orgId);
        throw error;
      });
    ensured.set(orgId, pending);
  }
  return pending;
}
