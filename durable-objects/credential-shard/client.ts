import type { RpcApi } from "../rpc";
import type { CredentialShard } from "./index";
import { shardName, shardOfUser } from "./routing";

export type CredentialShardApi = RpcApi<CredentialShard>;

/** One shard by number (a token's tag names it: routing.ts). */
export function credentialShard(ns: DurableObjectNamespace<CredentialShard>, shard: number): CredentialShardApi {
  return ns.get(ns.idFromName(shardName(shard))) as unknown as CredentialShardApi;
}

/** The shard holding a user's sessions and API keys. */
export function userCredentials(ns: DurableObjectNamespace<CredentialShard>, userId: string): CredentialShardApi {
  return credentialShard(ns, shardOfUser(userId));
}
