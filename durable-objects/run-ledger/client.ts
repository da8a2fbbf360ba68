import type { RpcApi } from "../rpc";
import type { RunLedger } from "./index";

export type RunLedgerApi = RpcApi<RunLedger>;

/** The ledger of one org. */
export function runLedger(ns: DurableObjectNamespace<RunLedger>, orgId: string): RunLedgerApi {
  return ns.get(ns.idFromName(orgId)) as unknown as RunLedgerApi;
}
