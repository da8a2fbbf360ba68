import { dataStore } from "../../../durable-objects/data-store/client";
import type { StoreKind, StoreResult } from "../../../durable-objects/data-store/limits";
import { STORE_STATUS } from "../../../durable-objects/data-store/limits";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { Quota, StoreEntry } from "../../../durable-objects/store-registry";
import { storeRegistry } from "../../../durable-objects/store-registry/client";
import type { Env } from "../../shared/env";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";
import { ensureExecutorSource } from "./executor-seed";
import { STORE_SLUG } from "./store-manifest";

const DEFAULT_QUOTA: Quota = { bytes: 256 * 1024 * 1024, rows: 2_000_000, stores: 100 };

/** What one scope's stores may hold together (wrangler.toml `STORE_QUOTA_*`). */
export function storeQuota(env: Env): Quota {
  const n = (v: string | undefined, d: number): number => (Number(v) > 0 ? Number(v) : d);
  return { bytes: n(env.STORE_QUOTA_BYTES, DEFAULT_QUOTA.bytes), rows: n(env.STORE_QUOTA_ROWS, DEFAULT_QUOTA.rows), stores: n(env.STORE_QUOTA_STORES, DEFAULT_QUOTA.stores) };
}

/** A store failure as the HTTP error model answers it. */
export function storeError(result: Extract<StoreResult<unknown>, { ok: false }>): HttpError {
  const status = STORE_STATUS[result.code];
  const type = status === 404 ? "not-found" : status === 409 ? "conflict" : status === 410 ? "gone" : status === 413 ? "payload-too-large" : status === 507 ? "unavailable" : "validation-failed";
  return new HttpError(status, type, result.message, status === 422 ? { errors: [{ path: "name", message: result.message }] } : {});
}

/**
 * Places a new store in a scope: its registry entry (kind, expiry), then its connection on the
 * `store` source, which is what makes it callable and what policies and toolkits name. If the
 * connection cannot be made, the entry is taken back, so nothing half-made remains.
 */
export async function createStore(
  env: Env,
  orgId: string,
  scope: string,
  req: { name: string; kind: StoreKind; ttlSeconds?: number | undefined },
  createdBy: string,
): Promise<StoreEntry> {
  await ensureExecutorSource(env, orgId);
  const registry = storeRegistry(env.STORE_REGISTRY, scope);
  const expiresAt = req.ttlSeconds ? Date.now() + req.ttlSeconds * 1000 : null;
  const entry = await registry.create({ scope, name: req.name, kind: req.kind, expiresAt }, createdBy, storeQuota(env));
  if (!entry.ok) throw storeError(entry);
  const catalog = scopeCatalog(env.SCOPE_CATALOG, scope);
  for (const name of entry.value.pruned) {
    if (name === req.name) continue;
    await catalog.deleteConnection(STORE_SLUG, name);
    await dataStore(env.DATA_STORE, scope, name).drop();
  }
  // A store of this name that expired may have left its connection (and, before its alarm ran, its
  // data) behind: the new store starts empty either way.
  if ((await catalog.getConnectionSealed(STORE_SLUG, req.name)).ok) await catalog.deleteConnection(STORE_SLUG, req.name);
  await dataStore(env.DATA_STORE, scope, req.name).drop();
  const made = await catalog.createConnection({ source: STORE_SLUG, name: req.name, secretRef: null });
  if (!made.ok) {
    await registry.remove(req.name);
    unwrap(made);
  }
  const { pruned: _pruned, ...placed } = entry.value;
  return placed;
}

/**
 * Removes a store for good: its connection first (so no call or subscription can reach it from
 * then on), then its data and subscriptions, then its entry.
 */
export async function removeStore(env: Env, scope: string, name: string): Promise<void> {
  const registry = storeRegistry(env.STORE_REGISTRY, scope);
  const gone = await scopeCatalog(env.SCOPE_CATALOG, scope).deleteConnection(STORE_SLUG, name);
  if (!gone.ok && !(await registry.kindOf(name))) throw new HttpError(404, "not-found", `no store named ${name} in this scope`);
  await dataStore(env.DATA_STORE, scope, name).drop();
  await registry.remove(name);
}

/** The stores placed in these scopes, outer first. */
export async function listStores(env: Env, scopes: readonly string[]): Promise<StoreEntry[]> {
  const lists = await Promise.all(scopes.map((s) => storeRegistry(env.STORE_REGISTRY, s).list()));
  return lists.flat();
}
