import { EXECUTOR_SLUG } from "./builtin/executor-manifest";
import { inToolset } from "../../core/toolset";
import { scopeCatalog } from "../../durable-objects/scope-catalog/client";
import type { ScopeSearch } from "../../durable-objects/scope-catalog";
import type { SearchHit } from "../../durable-objects/scope-catalog/search";
import type { Principal, Skill, ToolAddress } from "../../schemas";
import type { Env } from "../shared/env";
import { unwrap } from "../shared/result";
import type { StageTimer } from "../shared/timing";
import { ensureExecutorSource } from "./builtin/executor-seed";
import { visibleFrom } from "./catalog-view";

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

/**
 * Hits fetched beyond the requested page, so filtering still fills it: a few when only visibility
 * filters them (a source nobody holds a connection to), more under a toolkit or a facet. A page
 * that still comes up short while a catalog had more asks again, deeper (at most once).
 */
const SLACK = 20;
const HEADROOM = 200;
const DEEPEST = 1000;

type SearchOpts = {
  query: string;
  source?: string | undefined;
  /** Facets (the dashboard's): applied to the ranked hits before the page is cut, like the toolset. */
  sideEffect?: SearchHit["sideEffect"] | undefined;
  status?: SearchHit["status"] | undefined;
  limit: number;
  cursor: number;
  /** Also answer each scope's skills (outermost first), read in the same round trip. */
  skills?: boolean | undefined;
  timer?: StageTimer | undefined;
};

/**
 * Ranked search over every tool the principal can address: each scope's catalog ranks its own tools
 * (FTS5 bm25 and a re-ranker), hits expand to one address per visible connection, the principal's
 * toolset filters them, and the pages merge by rank. An empty query lists tools by address.
 */
export async function searchVisible(env: Env, principal: Principal, opts: SearchOpts): Promise<SearchPage & { skillLists?: Skill[][] }> {
  // The org's built-in source first (once per isolate); then one round trip per scope, all at once,
  // answering the connections and sources that make tools visible with the scope's ranked hits.
  await ensureExecutorSource(env, principal.orgId);
  const end = opts.cursor + opts.limit;
  const filtered = principal.narrowings.length > 0 || opts.sideEffect !== undefined || opts.status !== undefined;
  let want = Math.min(end + (filtered ? HEADROOM : SLACK), DEEPEST);
  const first = await searchScopes(env, principal, opts, want, opts.skills === true);
  opts.timer?.mark("search");
  let ranked = rankVisible(principal, opts, first);
  if (ranked.length <= end && want < DEEPEST && first.some((s) => s.hits.length >= want)) {
    want = Math.min(Math.max(4 * want, end + HEADROOM), DEEPEST);
    ranked = rankVisible(principal, opts, await searchScopes(env, principal, opts, want, false));
    opts.timer?.mark("search_deeper");
  }
  const page = ranked.slice(opts.cursor, end).map((r) => r.summary);
  opts.timer?.mark("merge");
  const next = end < ranked.length ? end : null;
  return { tools: page, nextCursor: next, ...(opts.skills ? { skillLists: first.map((s) => s.skills ?? []) } : {}) };
}

function searchScopes(env: Env, principal: Principal, opts: SearchOpts, limit: number, skills: boolean): Promise<ScopeSearch[]> {
  return Promise.all(
    principal.chain.map(async ({ id }) =>
      unwrap(
        await scopeCatalog(env.SCOPE_CATALOG, id).searchScope({
          query: opts.query,
          ...(opts.source ? { source: opts.source } : {}),
          limit,
          offset: 0,
          skills,
        }),
      ),
    ),
  );
}

/** Each scope's hits as addresses the principal can reach (one per visible connection), by rank. */
function rankVisible(principal: Principal, opts: SearchOpts, scopes: readonly ScopeSearch[]): Array<{ summary: ToolSummary; score: number }> {
  const visible = visibleFrom(
    scopes.map((s) => s.connections),
    scopes.map((s) => s.sources),
  ).filter((v) => !opts.source || v.source.slug === opts.source);
  const bySource = new Map<string, typeof visible>();
  for (const v of visible) {
    const key = `${v.source.scope}/${v.source.slug}`;
    bySource.set(key, [...(bySource.get(key) ?? []), v]);
  }
  const ranked: Array<{ summary: ToolSummary; score: number }> = [];
  for (const [depth, { hits }] of scopes.entries()) {
    const scope = principal.chain[depth]?.id ?? "";
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
  return ranked.sort((a, b) => a.score - b.score || builtin(a) - builtin(b) || a.summary.address.localeCompare(b.summary.address));
}
