import { admit } from "../../core/admission";
import { tryParseAddress } from "../../core/address";
import { inToolset } from "../../core/toolset";
import { scopeCatalog } from "../../durable-objects/scope-catalog/client";
import type { CatalogTool } from "../../durable-objects/scope-catalog/rows";
import type { AdmissionDecision, Policy, Principal } from "../../schemas";
import type { Env } from "../shared/env";
import { unwrap } from "../shared/result";
import type { ResolvedTool } from "./catalog-view";
import { policiesFor, visibleConnections } from "./catalog-view";
import { admissibleTool } from "./destination";

/**
 * Every address the principal can reach, each resolved exactly as `resolveAddress` would resolve it:
 * one per (visible connection, tool of the nearest source at the connection's scope or outward), and
 * only inside the principal's toolset (outside it a tool does not exist for them). Sorted by address.
 * The whole catalog, not a search: for pickers and per-source tables, not for hot paths.
 */
export async function visibleTools(env: Env, principal: Principal, source?: string): Promise<ResolvedTool[]> {
  const visible = (await visibleConnections(env, principal)).filter((v) => source === undefined || v.source.slug === source);
  const listed = new Map<string, Promise<CatalogTool[]>>();
  const toolsOf = (scope: string, slug: string): Promise<CatalogTool[]> => {
    const key = `${scope}/${slug}`;
    if (!listed.has(key)) listed.set(key, scopeCatalog(env.SCOPE_CATALOG, scope).listTools(slug).then((r) => unwrap(r)));
    return listed.get(key) as Promise<CatalogTool[]>;
  };
  const perConnection = await Promise.all(
    visible.map(async ({ connection, source: placed }) =>
      (await toolsOf(placed.scope, placed.slug)).flatMap((tool): ResolvedTool[] => {
        const text = `${placed.slug}.${connection.scope}.${connection.name}.${tool.name}`;
        if (!inToolset(principal.narrowings, text)) return [];
        const parsed = tryParseAddress(text);
        return parsed.ok ? [{ address: parsed.value, source: placed, tool, connection }] : [];
      }),
    ),
  );
  return perConnection.flat().sort((a, b) => a.address.address.localeCompare(b.address.address));
}

export type ToolDecision = { resolved: ResolvedTool; decision: AdmissionDecision };

/**
 * What calling each tool of a source would decide for this principal now, and which rule decided:
 * admission with the same inputs `describeTool` and `callTool` use (the resolved tool as
 * `admissibleTool` sees it, every policy of the chain for the source), so nothing here is a second rule.
 */
export async function decisionsForSource(env: Env, principal: Principal, source: string): Promise<{ decisions: ToolDecision[]; policies: Policy[] }> {
  const [tools, policies] = await Promise.all([visibleTools(env, principal, source), policiesFor(env, principal, source)]);
  const decisions = await Promise.all(tools.map(async (resolved) => ({ resolved, decision: admit(principal, await admissibleTool(resolved), policies) })));
  return { decisions, policies };
}
