import type { z } from "zod";
import { ScopeField } from "../../../schemas";
import { requireCapability } from "../../shared/capabilities";
import type { AuthContext } from "../auth/principal";
import { HttpError } from "../../shared/problem";

/** Which of the caller's own scopes a record is placed in: the org (outer) or the user (inner). */
export const ScopeChoice = ScopeField;
export type ScopeChoice = z.infer<typeof ScopeChoice>;

/** Reads `?scope=` (org | user, default org); anything else is a 422 naming the parameter. */
export function scopeQuery(value: string | undefined): ScopeChoice {
  const parsed = ScopeChoice.safeParse(value ?? "org");
  if (!parsed.success) {
    throw new HttpError(422, "validation-failed", "query 'scope': must be 'org' or 'user'", {
      errors: [{ path: "scope", message: "must be 'org' or 'user'" }],
    });
  }
  return parsed.data;
}

/** Listing what is placed in scopes is administration: a toolkit-bound credential sees tools only through search. */
export function requireWholeAuthority(auth: AuthContext): void {
  if (auth.grant.toolkit !== null) throw new HttpError(403, "forbidden", "a toolkit-bound credential can only search, describe and call its tools");
}

export function scopeId(auth: AuthContext, which: ScopeChoice): string {
  return which === "org" ? auth.identity.org.id : auth.identity.user.id;
}

/**
 * Changing what is placed in a scope (sources, connections, policies, toolkits, grants) needs the
 * caller's whole authority and the `administer` capability: an agent's key that could loosen the
 * policy gating it could approve its own calls (DESIGN invariant 9). Org records need an owner; a
 * toolkit-bound credential administers nothing (authority only narrows).
 */
export function writableScope(auth: AuthContext, which: ScopeChoice): string {
  if (auth.grant.toolkit !== null) throw new HttpError(403, "forbidden", "a toolkit-bound credential cannot change the catalog");
  requireCapability(auth, "administer", "change the catalog or its policies");
  if (which === "org" && auth.identity.role !== "owner") {
    throw new HttpError(403, "forbidden", "only an owner of the organization can change what is placed in it");
  }
  return scopeId(auth, which);
}
