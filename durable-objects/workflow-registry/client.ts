import type { RpcApi } from "../rpc";
import type { WorkflowRegistry } from "./index";

export type WorkflowRegistryApi = RpcApi<WorkflowRegistry>;

/** The workflows of one scope and their triggers. */
export function workflowRegistry(ns: DurableObjectNamespace<WorkflowRegistry>, scope: string): WorkflowRegistryApi {
  const stub = ns.get(ns.idFromName(scope)) as unknown as WorkflowRegistryApi;
  return stub;
}
