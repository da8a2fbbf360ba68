import { z } from "zod";
import { ScopeId } from "./common";

/** Kinds of scope. The chain is a general list so `team` or `env` can be inserted later (DESIGN §2). */
export const ScopeKind = z.enum(["org", "team", "env", "user"]);
export type ScopeKind = z.infer<typeof ScopeKind>;

export const Scope = z.object({ id: ScopeId, kind: ScopeKind });
export type Scope = z.infer<typeof Scope>;

/** Ordered outer (authority) → inner (actor); ids unique. */
export const ScopeChain = z
  .array(Scope)
  .min(1, "a scope chain holds at least one scope")
  .max(8)
  .refine((chain) => new Set(chain.map((s) => s.id)).size === chain.length, "scope ids in a chain must be unique");
export type ScopeChain = z.infer<typeof ScopeChain>;
