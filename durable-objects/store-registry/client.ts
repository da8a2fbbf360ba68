import type { RpcApi } from "../rpc";
import type { StoreRegistry } from "./index";

export type StoreRegistryApi = RpcApi<StoreRegistry>;

/** The registry of one scope's stores. */
export function storeRegistry(ns: DurableObjectNamespace<StoreRegistry>, scope: string): StoreRegistryApi {
  return ns.get(ns.idFromName(scope)) as unknown as StoreRegistryApi;
}
