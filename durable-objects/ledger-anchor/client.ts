import type { RpcApi } from "../rpc";
import type { LedgerAnchor } from "./index";

export type LedgerAnchorApi = RpcApi<LedgerAnchor>;

/** The anchor of one org's run ledger. */
export function ledgerAnchor(ns: DurableObjectNamespace<LedgerAnchor>, orgId: string): LedgerAnchorApi {
  return ns.get(ns.idFromName(orgId)) as unknown as LedgerAnchorApi;
}
