import { EXECUTOR_SLUG } from "../../invoke/builtin/executor-manifest";
import { HttpError } from "../../shared/problem";

/**
 * The built-in `executor` source is the deployment's: every org has it with its one connection, so
 * nobody refreshes, removes or re-connects it (its tools change with the platform). What may call
 * it is governed like any source: policies, toolkits, approvals.
 */
export function assertNotBuiltin(source: string, action: string): void {
  if (source === EXECUTOR_SLUG) {
    throw new HttpError(409, "conflict", `the executor source is built in; it cannot ${action}. Govern its tools with policies and toolkits instead`);
  }
}
