import type { RunLedger } from "./index";

export type RunLedgerApi = {
  [K in keyof Omit<RunLedger, keyof DurableObject>]: RunLedger[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** The ledger of one org. */
export function runLedger(ns: DurableObjectNamespace<RunLedger>, orgId: string): RunLedgerApi {
  return ns.get(ns.idFromName(orgId)) as unknown as RunLedgerApi;
}
