import { z } from "zod";
import { EpochMs, RecordId, ScopeId, Slug } from "./common";

/** Ordered from least to most restrictive (DESIGN §3: block > require_approval > approve). */
export const PolicyAction = z.enum(["approve", "require_approval", "block"]);
export type PolicyAction = z.infer<typeof PolicyAction>;

/**
 * A policy is attached to a source, or to one connection of that source, and optionally narrowed to
 * the tools whose name matches a glob (`*` any run of characters).
 */
export const PolicyTarget = z.object({
  source: Slug,
  connection: z.object({ scope: ScopeId, name: Slug }).optional(),
  tools: z.string().min(1).max(128).regex(/^[A-Za-z0-9_./*-]+$/, "must be a tool-name glob").default("*"),
});
export type PolicyTarget = z.infer<typeof PolicyTarget>;

export const Policy = z.object({
  id: RecordId,
  /** The scope the policy is placed in. Outer scopes are mandatory for inner ones. */
  scope: ScopeId,
  target: PolicyTarget,
  action: PolicyAction,
  /** Separation of duties: when this policy asks for approval, the caller may not approve their own call. */
  forbidSelfApproval: z.boolean().default(false),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export type Policy = z.infer<typeof Policy>;

export const PolicyInput = Policy.pick({ target: true, action: true, forbidSelfApproval: true });
export type PolicyInput = z.infer<typeof PolicyInput>;
