import type { AdmissibleTool } from "../../core/admission";
import { grantTarget } from "../../core/grant";
import type { JsonObject, SourceKind, ToolDefinition } from "../../schemas";
import type { ResolvedTool } from "./catalog-view";
import { definitionOf } from "./execute";
import { pluginFor } from "./plugins";
import { executorDestination } from "./builtin/executor-manifest";
import { customDestination } from "./custom-tools";
import { storeDestination } from "./builtin/store-manifest";

/** Never a real destination, so never one a grant covers. */
const UNKNOWN = "(no destination: no plugin or an invalid config)";

/** Where a tool sends its request and credential under its source's config, as its plugin says (DESIGN invariant 6). */
export function destinationFor(kind: SourceKind, config: JsonObject, tool: ToolDefinition): string {
  if (kind === "executor") return executorDestination(tool.name);
  if (kind === "custom") return customDestination(tool.invocation);
  if (kind === "store") return storeDestination(tool.name);
  const plugin = pluginFor(kind);
  const parsed = plugin?.parseConfig(config);
  return plugin && parsed?.ok ? plugin.destination(tool, parsed.config) : UNKNOWN;
}

/**
 * A resolved tool as admission sees it. The current target is derived from exactly what `execute`
 * hands the plugin (the stored invocation, the source's config and auth templates), so the grant
 * check and the call can never look at different data.
 */
export async function admissibleTool(resolved: ResolvedTool): Promise<AdmissibleTool> {
  const { address, source, tool, connection } = resolved;
  const destination = destinationFor(source.kind, source.config, definitionOf(resolved));
  return {
    address,
    placedScope: source.scope,
    connection: { scope: connection.scope, name: connection.name },
    sideEffect: tool.sideEffect,
    // The built-in executor source changes the platform's own configuration: writes wait for a person.
    ...(source.kind === "executor" ? { gatesWrites: true } : {}),
    status: tool.status,
    target: { current: await grantTarget(destination, source.auth), granted: tool.granted, moved: tool.moved },
  };
}
