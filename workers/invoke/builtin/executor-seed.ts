import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import { manifestHash } from "../../../sources/hash";
import type { Env } from "../../shared/env";
import { unwrap } from "../../shared/result";
import { EXECUTOR_CONNECTION, EXECUTOR_SLUG, executorTools } from "./executor-manifest";

/** Orgs whose executor source this isolate has seen current: one catalog read per org per isolate. */
const ensured = new Map<string, Promise<void>>();

async function seed(env: Env, orgId: string): Promise<void> {
  const tools = await executorTools();
  const hash = await manifestHash({ kind: "executor", title: "Executor", tools, auth: [] });
  const catalog = scopeCatalog(env.SCOPE_CATALOG, orgId);
  const found = await catalog.getSource(EXECUTOR_SLUG);
  if (!found.ok) {
    const created = await catalog.importSource({
      source: { slug: EXECUTOR_SLUG, kind: "executor", title: "Executor", config: {}, local: false },
      tools,
      manifestHash: hash,
      auth: [],
      connection: { name: EXECUTOR_CONNECTION, secretRef: null },
    });
    // Another request seeded it first: the same definitions, so nothing is lost.
    if (!created.ok && created.error.code !== "conflict") unwrap(created);
    return;
  }
  if (found.value.manifestHash === hash) return;
  // A new version of the platform: these tools are the deployment's own code, not an upstream's
  // description, so a tool it adds is granted with it (what may call it stays with policy, which
  // gates every write). An imported spec's refresh never does this (invariant: refresh grants nothing).
  const report = unwrap(await catalog.syncTools(EXECUTOR_SLUG, { tools, manifestHash: hash, auth: [] }));
  for (const name of [...report.added, ...report.moved]) unwrap(await catalog.grantTool(EXECUTOR_SLUG, name));
}

/**
 * Makes sure the org's built-in `executor` source exists at this deployment's definitions, with its
 * one connection. Called before anything lists or resolves the org's tools; a failure is retried on
 * the next request rather than remembered.
 */
export function ensureExecutorSource(env: Env, orgId: string): Promise<void> {
  let pending = ensured.get(orgId);
  if (!pending) {
    pending = seed(env, orgId).catch((error: unknown) => {
      ensured.delete(orgId);
      throw error;
    });
    ensured.set(orgId, pending);
  }
  return pending;
}
