import { inToolset } from "../../../core/toolset";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { CatalogTool } from "../../../durable-objects/scope-catalog/rows";
import type { Principal, ToolAddress } from "../../../schemas";
import type { Env } from "../env";
import { unwrap } from "../result";
import { visibleConnections } from "./catalog-view";

export type ToolSummary = {
  address: string;
  source: string;
  connection: { scope: string; name: string };
  name: string;
  description: string;
  sideEffect: CatalogTool["sideEffect"];
  status: CatalogTool["status"];
};

type Entry = { summary: ToolSummary; params: string[] };

/** Every tool the principal can address (one per connection), inside its toolset. */
export async function visibleTools(env: Env, principal: Principal, sourceFilter?: string): Promise<Entry[]> {
  const connections = (await visibleConnections(env, principal)).filter((v) => !sourceFilter || v.source.slug === sourceFilter);
  const toolsBySource = new Map<string, Promise<CatalogTool[]>>();
  const out: Entry[] = [];
  for (const { connection, source } of connections) {
    const key = `${source.scope}/${source.slug}`;
    if (!toolsBySource.has(key)) {
      toolsBySource.set(key, scopeCatalog(env.SCOPE_CATALOG, source.scope).listTools(source.slug).then(unwrap));
    }
    for (const tool of await (toolsBySource.get(key) ?? Promise.resolve([]))) {
      const address = `${source.slug}.${connection.scope}.${connection.name}.${tool.name}`;
      if (!inToolset(principal.narrowings, address as ToolAddress)) continue;
      const props = tool.inputSchema?.properties;
      out.push({
        summary: {
          address,
          source: source.slug,
          connection: { scope: connection.scope, name: connection.name },
          name: tool.name,
          description: tool.description,
          sideEffect: tool.sideEffect,
          status: tool.status,
        },
        params: props && typeof props === "object" && !Array.isArray(props) ? Object.keys(props) : [],
      });
    }
  }
  return out;
}

function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((t) => t.length > 0);
}

/** Ranks by where the query's words appear: tool name, parameter names, then description. */
export function rankTools(query: string, entries: Entry[]): ToolSummary[] {
  const words = tokens(query);
  if (words.length === 0) return entries.map((e) => e.summary).sort((a, b) => a.address.localeCompare(b.address));
  const scored = entries.map((e) => {
    const name = tokens(e.summary.name);
    const desc = tokens(e.summary.description);
    const params = e.params.flatMap(tokens);
    let score = 0;
    for (const w of words) {
      if (name.includes(w)) score += 5;
      else if (name.some((n) => n.startsWith(w))) score += 3;
      if (params.includes(w)) score += 2;
      if (desc.includes(w)) score += 1;
    }
    return { summary: e.summary, score };
  });
  return scored
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || a.summary.address.localeCompare(b.summary.address))
    .map((s) => s.summary);
}
