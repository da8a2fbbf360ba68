import { parseAddress } from "../../core/address";
import { isDomainError } from "../../core/errors";
import { inToolset } from "../../core/toolset";
import type { ParsedAddress } from "../../core/address";
import { scopeCatalog } from "../../durable-objects/scope-catalog/client";
import type { CatalogTool } from "../../durable-objects/scope-catalog/rows";
import type { Sealed } from "../../durable-objects/scope-catalog/connections";
import type { Connection, Policy, Principal, Source } from "../../schemas";
import type { Env } from "../shared/env";
import { HttpError } from "../shared/problem";
import { EXECUTOR_SLUG } from "./builtin/executor-manifest";
import { CUSTOM_SLUG } from "../../durable-objects/scope-catalog/artifacts";
import { ensureExecutorSource } from "./builtin/executor-seed";
import { STORE_SLUG } from "./builtin/store-manifest";

export type ResolvedTool = {
  address: ParsedAddress;
  source: Source;
  tool: CatalogTool;
  connection: Connection;
  /** The connection's sealed vault secret, read with it (null: none, or not a vault secret). */
  sealed?: Sealed | null;
};

/** Parses an address from a request, answering 422 naming the failing segment. */
export function addressFrom(text: string): ParsedAddress {
  try {
    return parseAddress(text);
  } catch (error) {
    if (isDomainError(error, "invalid_address")) {
      throw new HttpError(422, "validation-failed", `address: ${error.message}`, {
        errors: [{ path: `address.${error.field ?? "address"}`, message: error.message }],
      });
    }
    throw error;
  }
}

/**
 * Finds what an address names, as the principal sees it. The scope segment is the connection's
 * scope (the account is always in the path); the connection reaches sources placed in its own
 * scope or an outer one. Anything outside the principal's chain is "not found", never a hint.
 *
 * The narrowed executor is the only one a surface holds (DESIGN §3: scope() intersects): an address
 * outside the principal's toolset does not exist for it, so it is refused here, before any lookup,
 * with the very answer a missing tool gets (same status, problem type and message, no Run), on
 * every surface that resolves an address. A toolkit-bound credential cannot map what lies outside.
 */
export async function resolveAddress(env: Env, principal: Principal, address: ParsedAddress): Promise<ResolvedTool> {
  const notFound = (): HttpError => new HttpError(404, "not-found", `no tool at ${address.address} in your scopes`);
  if (!inToolset(principal.narrowings, address.address)) throw notFound();
  const depth = principal.chain.findIndex((s) => s.id === address.scope);
  if (depth < 0) throw notFound();
  if (address.source === EXECUTOR_SLUG || address.source === STORE_SLUG) await ensureExecutorSource(env, principal.orgId);
  // One round trip per scope, all at once: the connection, and the source with the tool at the
  // connection's scope and every outer one (the nearest wins).
  const scopes = principal.chain.slice(0, depth + 1).map((s) => s.id);
  const [connection, ...found] = await Promise.all([
    scopeCatalog(env.SCOPE_CATALOG, address.scope).getConnectionSealed(address.source, address.connection),
    ...scopes.map(async (scope) => {
      const catalog = scopeCatalog(env.SCOPE_CATALOG, scope);
      const [source, tool] = await Promise.all([catalog.getSource(address.source), catalog.getTool(address.source, address.tool)]);
      return { source, tool };
    }),
  ]);
  const held = connection?.ok ? connection.value.connection : address.source === CUSTOM_SLUG ? await accountFor(env, address, scopes) : null;
  const sealed = connection?.ok ? connection.value.sealed : null;
  if (!held) throw notFound();
  for (let i = found.length - 1; i >= 0; i--) {
    const hit = found[i];
    if (!hit?.source.ok) continue;
    if (!hit.tool.ok) throw notFound();
    return { address, source: hit.source.value, tool: hit.tool.value, connection: held, sealed };
  }
  throw notFound();
}

/**
 * Custom tools are account-parametric (issue 11): `custom.<scope>.<name>.<tool>` runs the tool placed
 * at `<scope>` with `ctx.connection` = `<name>` when the caller holds a connection of that name, on any
 * source, at that scope or an outer one (what a tool placed there can reach); the tool then calls
 * e.g. `ctx.tools.github[ctx.connection]` (its calls are bound to that name, custom-tools.ts). Its own
 * source has one connection, `default`; this one stands for the account chosen, at the scope that
 * holds it, the outermost first (so policies on it apply as placed), carrying no secret of its own.
 */
async function accountFor(env: Env, address: ParsedAddress, scopes: readonly string[]): Promise<Connection | null> {
  const lists = await Promise.all(scopes.map((s) => scopeCatalog(env.SCOPE_CATALOG, s).listConnections()));
  // The outermost holder names it: an organization's policy on its `work` account applies even
  // when a person also has a `work` connection of their own (outer scopes are mandatory).
  for (let i = 0; i < lists.length; i++) {
    const list = lists[i];
    const named = list?.ok ? list.value.find((c) => c.name === address.connection) : undefined;
    if (named) return { ...named, source: CUSTOM_SLUG, secretRef: null };
  }
  return null;
}

/** Every policy placed in the principal's scopes for this source (core/policy decides which apply). */
export async function policiesFor(env: Env, principal: Principal, source: string): Promise<Policy[]> {
  const lists = await Promise.all(principal.chain.map((s) => scopeCatalog(env.SCOPE_CATALOG, s.id).listPolicies(source)));
  return lists.flatMap((r) => (r.ok ? r.value : []));
}

export type VisibleConnection = { connection: Connection; source: Source };

/** Connections the principal holds, each with the source it reaches (visibility = union over the chain). */
export async function visibleConnections(env: Env, principal: Principal): Promise<VisibleConnection[]> {
  await ensureExecutorSource(env, principal.orgId);
  const catalogs = principal.chain.map((s) => scopeCatalog(env.SCOPE_CATALOG, s.id));
  const [connections, sources] = await Promise.all([
    Promise.all(catalogs.map((c) => c.listConnections())),
    Promise.all(catalogs.map((c) => c.listSources())),
  ]);
  return visibleFrom(
    connections.map((l) => (l.ok ? l.value : [])),
    sources.map((l) => (l.ok ? l.value : [])),
  );
}

/**
 * The join behind visibleConnections, from each scope's connections and sources (index = depth in
 * the chain, outermost first): each connection with the nearest source of its name at its own
 * scope or outward.
 */
export function visibleFrom(connections: readonly (readonly Connection[])[], sources: readonly (readonly Source[])[]): VisibleConnection[] {
  const out: VisibleConnection[] = [];
  connections.forEach((list, depth) => {
    for (const connection of list) {
      for (let i = depth; i >= 0; i--) {
        const found = sources[i]?.find((s) => s.slug === connection.source);
        if (found) {
          out.push({ connection, source: found });
          break;
        }
      }
    }
  });
  return out;
}
