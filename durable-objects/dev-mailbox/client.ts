import type { RpcApi } from "../rpc";
import type { DevMailbox } from "./index";

export type DevMailboxApi = RpcApi<DevMailbox>;

/** The one development mailbox of a local platform. */
export function devMailbox(ns: DurableObjectNamespace<DevMailbox>): DevMailboxApi {
  return ns.get(ns.idFromName("dev")) as unknown as DevMailboxApi;
}
