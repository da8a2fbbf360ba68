import type { RpcApi } from "../rpc";
import type { AccountDirectory } from "./index";

export type AccountDirectoryApi = RpcApi<AccountDirectory>;

/**
 * The one directory instance. A single instance keeps email uniqueness and key lookup to one
 * transaction; when it outgrows one object, shard by email hash and key hash (docs/architecture.md).
 */
export function accountDirectory(ns: DurableObjectNamespace<AccountDirectory>): AccountDirectoryApi {
  return ns.get(ns.idFromName("global")) as unknown as AccountDirectoryApi;
}
