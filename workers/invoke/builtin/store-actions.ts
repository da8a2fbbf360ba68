import { dataStore } from "../../../durable-objects/data-store/client";
import type { StoreResult, Usage } from "../../../durable-objects/data-store/limits";
import { STORE_STATUS } from "../../../durable-objects/data-store/limits";
import { storeRegistry } from "../../../durable-objects/store-registry/client";
import type { JsonObject, JsonValue } from "../../../schemas";
import type { Env } from "../../shared/env";
import type { ResolvedTool } from "../catalog-view";
import type { Execution } from "../execute";
import { removeStore, storeQuota } from "./store-lifecycle";
import { STORE_TOOLS } from "./store-manifest";

function failed(result: Extract<StoreResult<unknown>, { ok: false }>): Execution {
  return { ok: false, status: STORE_STATUS[result.code], error: { code: `store_${result.code}`, message: result.message } };
}

/**
 * Runs an admitted store tool: the store the address's connection names, in the connection's scope.
 * Writes carry the budget the scope's quota leaves them and report what the store holds afterwards,
 * measured inside the write's own transaction.
 */
export async function executeStoreTool(env: Env, resolved: ResolvedTool, args: JsonObject): Promise<Execution> {
  const scope = resolved.connection.scope;
  const name = resolved.connection.name;
  const tool = resolved.tool.name;
  const entry = STORE_TOOLS.find((t) => t.name === tool);
  if (!entry) return { ok: false, status: 404, error: { code: "not_found", message: `no store tool ${tool}` } };
  const registry = storeRegistry(env.STORE_REGISTRY, scope);
  const found = await registry.budget(name, storeQuota(env));
  if (!found.ok) return failed(found);
  const { meta, budget } = found.value;
  if (!entry.kinds.includes(meta.kind)) {
    const use = meta.kind === "kv" ? "get, put, delete, list" : "query, exec";
    return { ok: false, status: 422, error: { code: "store_wrong_kind", message: `${name} is a ${meta.kind} store: use ${use}` } };
  }
  if (tool === "drop") {
    await removeStore(env, scope, name);
    return { ok: true, value: { dropped: name } };
  }
  const store = dataStore(env.DATA_STORE, scope, name);
  const result: StoreResult<JsonValue & { usage?: Usage }> = await (async () => {
    switch (tool) {
      case "get": return store.get(meta, args);
      case "put": return store.put(meta, args, budget);
      case "delete": return store.delete(meta, args, budget);
      case "list": return store.list(meta, args);
      case "query": return store.query(meta, args);
      case "exec": return store.exec(meta, args, budget);
      default: return store.search(meta, args);
    }
  })() as StoreResult<JsonValue & { usage?: Usage }>;
  if (!result.ok) return failed(result);
  const usage = result.value.usage;
  if (usage) await registry.report(name, usage);
  return { ok: true, value: result.value };
}
