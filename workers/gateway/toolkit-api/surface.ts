import { inToolset, scope, toolkitToNarrowing } from "../../../core/toolset";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { CatalogTool } from "../../../durable-objects/scope-catalog/rows";
import type { ExposedTool, Toolkit, ToolkitSurface } from "../../../schemas";
import { visibleConnections } from "../../invoke/catalog-view";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";

/** A toolkit as its routes see it: the record, and the caller narrowed to it. */
export type RoutedToolkit = { toolkit: Toolkit; auth: AuthContext };

const NOT_FOUND = (scopeId: string, slug: string): HttpError => new HttpError(404, "not-found", `no toolkit '${scopeId}/${slug}' in your scopes`);

/**
 * The toolkit named by a route, and the caller narrowed to it (DESIGN §3: `scope()` intersects, so a
 * key bound to another toolkit reaches only what both select). The caller must hold the toolkit's
 * scope; anything else is not found, exactly like a toolkit that does not exist.
 */
export async function routedToolkit(env: Env, auth: AuthContext, scopeId: string, slug: string): Promise<RoutedToolkit> {
  if (!auth.principal.chain.some((s) => s.id === scopeId)) throw NOT_FOUND(scopeId, slug);
  const found = await scopeCatalog(env.SCOPE_CATALOG, scopeId).getToolkit(slug);
  if (!found.ok) throw NOT_FOUND(scopeId, slug);
  const narrowings = scope(auth.principal.narrowings, toolkitToNarrowing(found.value));
  return { toolkit: found.value, auth: { ...auth, principal: { ...auth.principal, narrowings } } };
}

/** `pets` + `issues/create` → `petsIssuesCreate`: a JavaScript identifier, the operationId and SDK method. */
export function operationIdOf(source: string, tool: string): string {
  const words = `${source} ${tool}`.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const id = words.map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1))).join("");
  return /^[A-Za-z_$]/.test(id) ? id : `_${id}`;
}

export function routePath(toolkit: Pick<Toolkit, "scope" | "slug">, source: string, tool: string): string {
  return `/v1/toolkits/${toolkit.scope}/${toolkit.slug}/tools/${source}/${tool}`;
}

/**
 * Every tool the toolkit exposes to this caller now: each (source, tool) it selects through a
 * connection the caller holds, with those connections. This is what the routes, the OpenAPI
 * document and the SDK are made of.
 */
export async function currentSurface(env: Env, routed: RoutedToolkit, origin: string): Promise<ToolkitSurface> {
  const { toolkit, auth } = routed;
  const visible = await visibleConnections(env, auth.principal);
  const listed = new Map<string, Promise<CatalogTool[]>>();
  const toolsOf = (sourceScope: string, slug: string): Promise<CatalogTool[]> => {
    const key = `${sourceScope}/${slug}`;
    if (!listed.has(key)) listed.set(key, scopeCatalog(env.SCOPE_CATALOG, sourceScope).listTools(slug).then((r) => unwrap(r)));
    return listed.get(key) as Promise<CatalogTool[]>;
  };
  const byTool = new Map<string, { tool: CatalogTool; connections: string[] }>();
  for (const { connection, source } of visible) {
    for (const tool of await toolsOf(source.scope, source.slug)) {
      if (tool.status !== "granted" || tool.moved) continue;
      if (!inToolset(auth.principal.narrowings, `${source.slug}.${connection.scope}.${connection.name}.${tool.name}`)) continue;
      const key = `${source.slug}/${tool.name}`;
      const entry = byTool.get(key) ?? { tool, connections: [] };
      if (!entry.connections.includes(connection.name)) entry.connections.push(connection.name);
      byTool.set(key, entry);
    }
  }
  const taken = new Set<string>();
  const tools: ExposedTool[] = [...byTool.values()]
    .sort((a, b) => `${a.tool.source}/${a.tool.name}`.localeCompare(`${b.tool.source}/${b.tool.name}`))
    .map(({ tool, connections }) => {
      let operationId = operationIdOf(tool.source, tool.name);
      for (let n = 2; taken.has(operationId); n++) operationId = `${operationIdOf(tool.source, tool.name)}${n}`;
      taken.add(operationId);
      const sorted = connections.sort();
      const preferred = toolkit.defaultConnections[tool.source];
      const exposed: ExposedTool = {
        source: tool.source,
        name: tool.name,
        operationId,
        path: routePath(toolkit, tool.source, tool.name),
        description: tool.description,
        sideEffect: tool.sideEffect,
        hash: tool.hash,
        connections: sorted,
        defaultConnection: sorted.length === 1 ? (sorted[0] ?? null) : preferred && sorted.includes(preferred) ? preferred : null,
      };
      if (tool.inputSchema) exposed.inputSchema = tool.inputSchema;
      if (tool.outputSchema) exposed.outputSchema = tool.outputSchema;
      return exposed;
    });
  return { scope: toolkit.scope, slug: toolkit.slug, title: toolkit.title, description: toolkit.description, version: toolkit.version, origin, tools };
}

/** What the routes serve: the promoted version while the toolkit is pinned, else the catalog now. */
export async function servedSurface(env: Env, routed: RoutedToolkit, origin: string): Promise<ToolkitSurface> {
  if (!routed.toolkit.pinned) return currentSurface(env, routed, origin);
  const pinned = unwrap(await scopeCatalog(env.SCOPE_CATALOG, routed.toolkit.scope).pinnedSurface(routed.toolkit.slug));
  if (!pinned) return currentSurface(env, routed, origin);
  return { ...pinned, origin };
}

/** What one route call needs: which connections reach the tool (scope and name) and the exposed tool when pinned. */
export type RouteTarget = { candidates: Array<{ scope: string; name: string }>; defaultConnection: string | null; pinned: ExposedTool | null };

/**
 * The connections through which the toolkit reaches `source`/`tool` for this caller, without listing
 * the catalog: one `listConnections(source)` per scope of the chain, in parallel, kept where the
 * toolkit selects the address. A pinned toolkit answers only for tools of its promoted surface.
 */
export async function routeTarget(env: Env, routed: RoutedToolkit, source: string, tool: string): Promise<RouteTarget | null> {
  const { chain, narrowings } = routed.auth.principal;
  const [pinnedSurface, ...lists] = await Promise.all([
    routed.toolkit.pinned ? scopeCatalog(env.SCOPE_CATALOG, routed.toolkit.scope).pinnedSurface(routed.toolkit.slug) : Promise.resolve(null),
    ...chain.map((s) => scopeCatalog(env.SCOPE_CATALOG, s.id).listConnections(source)),
  ]);
  const pinned = pinnedSurface && pinnedSurface.ok ? (pinnedSurface.value?.tools.find((t) => t.source === source && t.name === tool) ?? null) : null;
  if (routed.toolkit.pinned && !pinned) return null;
  const candidates = lists.flatMap((list, i) =>
    list.ok ? list.value.filter((c) => inToolset(narrowings, `${source}.${chain[i]?.id}.${c.name}.${tool}`)).map((c) => ({ scope: chain[i]?.id ?? "", name: c.name })) : [],
  );
  if (candidates.length === 0) return null;
  const names = [...new Set(candidates.map((c) => c.name))].sort();
  const preferred = routed.toolkit.defaultConnections[source];
  const defaultConnection = names.length === 1 ? (names[0] ?? null) : preferred && names.includes(preferred) ? preferred : null;
  return { candidates, defaultConnection, pinned };
}
