import type { RpcApi } from "../rpc";
import type { DataStore } from "./index";

export type DataStoreApi = RpcApi<DataStore>;

/** One store, named by its scope and name (a store re-created under a dropped one's name starts empty). */
export function dataStore(ns: DurableObjectNamespace<DataStore>, scope: string, name: string): DataStoreApi & { fetch(request: Request): Promise<Response> } {
  return ns.get(ns.idFromName(`${scope}/${name}`)) as unknown as DataStoreApi & { fetch(request: Request): Promise<Response> };
}
