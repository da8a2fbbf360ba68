import type { RpcApi } from "../rpc";
import type { AccountDirectory } from "./index";

export type AccountDirectoryApi = RpcApi<AccountDirectory>;

/**
 * The one directory instance. A single instance keeps email uniqueness and membership changes to
 * one transaction. It is off the authentication path: sessions and keys are looked up in their
 * user's CredentialShard (docs/architecture.md, "Credential lookups"), except those issued before
 * sharding, which stay here.
 */
export function accountDirectory(ns: DurableObjectNamespace<AccountDirectory>): AccountDirectoryApi {
  return ns.get(ns.idFromName("global")) as unknown as AccountDirectoryApi;
}
