import type { RpcApi } from "../rpc";
import type { ScopeCatalog } from "./index";

/** The catalog's RPC methods as a caller sees them: same arguments, results always awaited. */
export type ScopeCatalogApi = RpcApi<ScopeCatalog>;

/**
 * The stub of the catalog holding one scope. Typed through ScopeCatalogApi rather than workerd's
 * recursive Rpc stub mapping, which cannot expand our JSON-valued records; the values themselves
 * are plain JSON and cross RPC unchanged.
 */
export function scopeCatalog(ns: DurableObjectNamespace<ScopeCatalog>, scope: string): ScopeCatalogApi {
  return ns.get(ns.idFromName(scope)) as unknown as ScopeCatalogApi;
}
