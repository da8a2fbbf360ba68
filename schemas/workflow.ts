import { z } from "zod";
import { RecordId, ScopeId } from "./common";

/** What starts an ApprovalWorkflow instance (one per gated Run; instance id = run id). */
export const ApprovalParams = z.object({
  orgId: ScopeId,
  runId: RecordId,
  timeoutSeconds: z.number().int().positive(),
  /** A workflow step waiting on this Run: the event sent to its instance once the Run is decided and done. */
  notify: z.object({ instance: z.string().max(100), event: z.string().max(100) }).optional(),
});
export type ApprovalParams = z.infer<typeof ApprovalParams>;

/** The event a decision sends to the Run's workflow. */
export const DECISION_EVENT = "decision";
export const DecisionEvent = z.object({ decision: z.enum(["approve", "deny", "cancel"]) });
export type DecisionEvent = z.infer<typeof DecisionEvent>;

/** The liveness probe behind /healthz. */
export const HealthProbeParams = z.object({ nonce: z.string().max(64) });
export type HealthProbeParams = z.infer<typeof HealthProbeParams>;
