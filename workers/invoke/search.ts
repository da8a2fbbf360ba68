import { EXECUTOR_SLUG } from "./builtin/executor-manifest";
import { inToolset } from "../../core/toolset";
import { scopeCatalog } from "../../durable-objects/scope-catalog/client";
import type { SearchHit } from "../../durable-objects/scope-catalog/search";
import type { Principal, ToolAddress } from "../../schemas";
import type { Env } from "../shared/env";
import { unwrap } from "../shared/result";
import { visibleConnections } from "./catalog-view";

export type ToolSummary = {
  address: string;
  source: string;
  connection: { scope: string; name: string };
  name: string;
  description: string;
  sideEffect: SearchHit["sideEffect"];
  status: SearchHit["status"];
};

export type SearchPage = { tools: ToolSummary[]; nextCursor: number | null };

/**
 * The platform's own management tools (the executor source, in every org) rank below an imported
 * API's comparable match: bm25 scores are negative, so this brings them toward zero. A query about
 * managing the platform ("add a source") still finds them first; "list runs" finds GitHub's first.
 */
const BUILTIN_WEIGHT = 0.5;

/** Hits fetched beyond the requested page, so toolkit filtering still fills it. */
const HEADROOM = 200;

/**
 * Ranked search over every tool the principal can address: each scope's catalog ranks its own tools
 * (FTS5 bm25), hits expand to one address per visible connection, the principal's toolset filters
 * them, and the pages merge by rank. An empty query lists tools by address.
 */
export async function searchVisible(
  env: Env,
  principal: Principal,
  opts: {
    query: string;
    source?: string | undefined;
    /** Facets (the dashboard's): applied to the ranked hits before the page is cut, like the toolset. */
    sideEffect?: SearchHit["sideEffect"] | undefined;
    status?: SearchHit["status"] | undefined;
    limit: number;
    cursor: number;
  },
): Promise<SearchPage> {
  const visible = (await visibleConnections(env, principal)).filter((v) => !opts.source || v.source.slug === opts.source);
  const bySource = new Map<string, typeof visible>();
  for (const v of visible) {
    const key = `${v.source.scope}/${v.source.slug}`;
    bySource.set(key, [...(bySource.get(key) ?? []), v]);
  }
  const scopes = [...new Set(visible.map((v) => v.source.scope))];
  const want = opts.cursor + opts.limit + HEADROOM;
  const hitsByScope = await Promise.all(
    scopes.map(async (scope) => ({
      scope,
      hits: unwrap(
        await scopeCatalog(env.SCOPE_CATALOG, scope).searchTools({
          query: opts.query,
          ...(opts.source ? { source: opts.source } : {}),
          limit: Math.min(want, 1000),
          offset: 0,
        }),
      ),
    })),
  );
  const ranked: Array<{ summary: ToolSummary; score: number }> = [];
  for (const { scope, hits } of hitsByScope) {
    for (const hit of hits) {
      if ((opts.sideEffect && hit.sideEffect !== opts.sideEffect) || (opts.status && hit.status !== opts.status)) continue;
      for (const { connection } of bySource.get(`${scope}/${hit.source}`) ?? []) {
        const address = `${hit.source}.${connection.scope}.${connection.name}.${hit.name}`;
        if (!inToolset(principal.narrowings, address as ToolAddress)) continue;
        ranked.push({
          score: hit.source === EXECUTOR_SLUG ? hit.score * BUILTIN_WEIGHT : hit.score,
          summary: {
            address,
            source: hit.source,
            connection: { scope: connection.scope, name: connection.name },
            name: hit.name,
            description: hit.description,
            sideEffect: hit.sideEffect,
            status: hit.status,
          },
        });
      }
    }
  }
  // Ties (every hit of an empty query) list the org's own APIs before the built-in management tools.
  const builtin = (r: (typeof ranked)[number]): number => (r.summary.source === EXECUTOR_SLUG ? 1 : 0);
  ranked.sort((a, b) => a.score - b.score || builtin(a) - builtin(b) || a.summary.address.localeCompare(b.summary.address));
  const page = ranked.slice(opts.cursor, opts.cursor + opts.limit).map((r) => r.summary);
  return { tools: page, nextCursor: opts.cursor + opts.limit < ranked.length ? opts.cursor + opts.limit : null };
}
