import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { sha256Hex } from "../../../core/evidence";
import { inToolset } from "../../../core/toolset";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { Principal, ToolAddress } from "../../../schemas";
import type { Env } from "../env";
import { unwrap } from "../../shared/result";
import { visibleConnections } from "../../invoke/catalog-view";

export const DIRECT_PAGE_SIZE = 100;

export type DirectTool = { address: string; tool: Tool };

/**
 * An MCP-safe name for an address (MCP 2025-11-25 tool names: 1-128 of A-Z a-z 0-9 _ - .): unsafe
 * characters become `_`, the scope becomes its kind (`org`/`user`), and a long name keeps a hash suffix.
 */
export async function mcpName(address: string, scopeKind: string): Promise<string> {
  const [source = "", , connection = "", ...rest] = address.split(".");
  const name = `${source}.${scopeKind}.${connection}.${rest.join(".")}`.replace(/[^A-Za-z0-9_.-]/g, "_");
  if (name.length <= 128) return name;
  return `${name.slice(0, 115)}_${(await sha256Hex(address)).slice(0, 12)}`;
}

/** Every tool the principal can address, as MCP tools, in a stable order. */
export async function directTools(env: Env, principal: Principal): Promise<DirectTool[]> {
  const out: DirectTool[] = [];
  const kinds = new Map(principal.chain.map((s) => [s.id, s.kind]));
  for (const { connection, source } of await visibleConnections(env, principal)) {
    const tools = unwrap(await scopeCatalog(env.SCOPE_CATALOG, source.scope).listTools(source.slug));
    for (const t of tools) {
      const address = `${source.slug}.${connection.scope}.${connection.name}.${t.name}`;
      if (!inToolset(principal.narrowings, address as ToolAddress)) continue;
      out.push({
        address,
        tool: {
          name: await mcpName(address, kinds.get(connection.scope) ?? "scope"),
          title: `${source.title}: ${t.name}`,
          description: `${t.description}\n\nAddress: ${address}`.slice(0, 2048),
          inputSchema: (t.inputSchema as Tool["inputSchema"] | undefined) ?? { type: "object" },
          // Our own classification (never the upstream's annotations).
          annotations: { readOnlyHint: t.sideEffect === "read", destructiveHint: t.sideEffect === "destructive", openWorldHint: true },
        },
      });
    }
  }
  // Sanitizing can make two addresses share a name (`x/y` and `x_y`): later ones get a hash suffix,
  // so every listed name calls exactly one tool.
  out.sort((a, b) => a.tool.name.localeCompare(b.tool.name) || a.address.localeCompare(b.address));
  const taken = new Set<string>();
  for (const d of out) {
    if (taken.has(d.tool.name)) d.tool.name = `${d.tool.name.slice(0, 115)}_${(await sha256Hex(d.address)).slice(0, 12)}`;
    taken.add(d.tool.name);
  }
  return out;
}
