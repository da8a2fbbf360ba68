import { z } from "zod";
import { ScopeId } from "./common";
import { PolicyAction } from "./policy";

export const AdmissionOutcome = z.enum(["admit", "require_approval", "reject"]);
export type AdmissionOutcome = z.infer<typeof AdmissionOutcome>;

export const AdmissionReasonCode = z.enum([
  "allowed_by_policy",
  "allowed_by_default",
  "approval_required_by_policy",
  "approval_required_by_default",
  "blocked_by_policy",
  "not_visible",
  "outside_toolkit",
  "awaiting_review",
  /** DESIGN invariant 6: the tool now sends its request or credential somewhere its grant does not cover. */
  "destination_moved",
  /** A code Run: admitted as the caller, since each tool call the code makes is admitted on its own. */
  "code_run",
  /** A workflow's own Run: fired by its trigger; each step is admitted on its own with its author's authority. */
  "workflow_run",
]);
export type AdmissionReasonCode = z.infer<typeof AdmissionReasonCode>;

/** Which rule decided: a policy placed in a scope (on a source or a connection), or the plugin default. */
export const DecidingRule = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("policy"),
    policyId: z.string(),
    scope: ScopeId,
    level: z.enum(["source", "connection"]),
    action: PolicyAction,
  }),
  z.object({ kind: z.literal("default"), action: PolicyAction }),
]);
export type DecidingRule = z.infer<typeof DecidingRule>;

export const AdmissionDecision = z.object({
  outcome: AdmissionOutcome,
  reason: z.object({ code: AdmissionReasonCode, message: z.string().max(1024) }),
  rule: DecidingRule.nullable(),
  /** The scope whose rule decided; an approver must hold it (issue 6). */
  decidingScope: ScopeId.nullable(),
});
export type AdmissionDecision = z.infer<typeof AdmissionDecision>;
