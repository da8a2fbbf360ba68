import { z } from "zod";
import { RecordId, ScopeId } from "./common";
import { ToolPattern } from "./address";
import { ScopeChain } from "./scope";

/** How the caller authenticated. */
export const PrincipalKind = z.enum(["session", "api_key", "oauth", "system"]);
export type PrincipalKind = z.infer<typeof PrincipalKind>;

/**
 * One narrowing applied to the executor: a named toolkit's predicate (selections + patterns).
 * A principal's toolset is the intersection of all of them; an empty list means the whole scope.
 */
export const Narrowing = z.object({
  label: z.string().max(128),
  tools: z.array(z.string()).max(10_000),
  patterns: z.array(ToolPattern).max(256),
  /** Whether this narrowing lets code run (a toolkit's `runCode`); every narrowing in force must. */
  runCode: z.boolean().optional(),
});
export type Narrowing = z.infer<typeof Narrowing>;

export const Principal = z.object({
  kind: PrincipalKind,
  /** The credential's id (session, key or token id). */
  credentialId: z.string().max(128),
  userId: RecordId,
  orgId: ScopeId,
  chain: ScopeChain,
  narrowings: z.array(Narrowing).max(16),
});
export type Principal = z.infer<typeof Principal>;
