import type { RunStatus } from "../../schemas/run";

/**
 * The Run state machine. Terminal states never change again; an approved call goes
 * pending_approval → queued → running → succeeded | failed, so it can execute at most once. A
 * `running` Run has been handed to the upstream, which may act whatever we do next, so it can only
 * end as what actually happened: never `cancelled` (a Run must not say cancelled when the upstream
 * may have acted).
 */
const NEXT: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  pending_approval: ["queued", "denied", "expired", "cancelled"],
  queued: ["running", "cancelled", "failed"],
  running: ["succeeded", "failed"],
  succeeded: [],
  failed: [],
  rejected: [],
  denied: [],
  expired: [],
  cancelled: [],
};

/** States a Run may be created in. */
export const INITIAL_STATUSES: readonly RunStatus[] = ["pending_approval", "queued", "running", "rejected", "succeeded", "failed"];

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return NEXT[from].includes(to);
}

export function isTerminal(status: RunStatus): boolean {
  return NEXT[status].length === 0;
}
