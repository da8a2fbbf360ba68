import type { ScopeId } from "../../schemas/common";
import type { Scope, ScopeChain } from "../../schemas/scope";
import { DomainError } from "../errors";

/**
 * Helpers over a principal's scope chain, ordered outer (authority) → inner (actor) (DESIGN §2).
 * The three merge rules of DESIGN §3 are fixed; this module holds visibility and scalars, policy lives in
 * core/policy.
 */

/** The chain's scope ids, outermost first. */
export function chainIds(chain: ScopeChain): ScopeId[] {
  return chain.map((scope) => scope.id);
}

/** True when the chain holds the scope. */
export function holdsScope(chain: ScopeChain, id: ScopeId): boolean {
  return chain.some((scope) => scope.id === id);
}

/**
 * DESIGN §3, visibility = union over the chain: something placed in a scope is visible exactly when
 * the principal holds that scope. There is no inheritance downwards: an org member does not see a
 * user's personal sources.
 */
export function isVisible(chain: ScopeChain, placedScope: ScopeId): boolean {
  return holdsScope(chain, placedScope);
}

/** Position of a scope in the chain (0 = outermost, the authority), or null when it is not held. */
export function depth(chain: ScopeChain, scopeId: ScopeId): number | null {
  const index = chain.findIndex((scope) => scope.id === scopeId);
  return index < 0 ? null : index;
}

/** The outermost scope (today the org): the authority of last resort, e.g. for default decisions. */
export function outermost(chain: ScopeChain): Scope {
  const scope = chain[0];
  if (scope === undefined) throw new DomainError("invalid_chain", "a scope chain holds at least one scope");
  return scope;
}

/** The innermost scope (today the user): the actor. */
export function innermost(chain: ScopeChain): Scope {
  const scope = chain[chain.length - 1];
  if (scope === undefined) throw new DomainError("invalid_chain", "a scope chain holds at least one scope");
  return scope;
}

/** Values keyed by the scope they are set in; a scope may be missing or set nothing (undefined). */
export type ByScope<T> = Readonly<Partial<Record<ScopeId, T>>>;

/**
 * DESIGN §3, scalars = innermost wins: the value set in the innermost held scope. Values placed in
 * scopes the chain does not hold are ignored. `undefined` means "not set"; `null` is a real value
 * (an inner scope may deliberately clear an outer setting).
 */
export function innermostValue<T>(chain: ScopeChain, valuesByScope: ByScope<T>): T | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const id = chain[i]?.id;
    if (id === undefined || !Object.hasOwn(valuesByScope, id)) continue;
    const value = valuesByScope[id];
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * DESIGN §3, scalars = innermost wins, key by key: merges per-scope settings objects (config, secret
 * overrides) so each key takes the value of the innermost held scope that sets it.
 */
export function mergeScalars<T extends Record<string, unknown>>(
  chain: ScopeChain,
  valuesByScope: ByScope<Partial<T>>,
): Partial<T> {
  const merged = new Map<string, unknown>();
  for (const scope of chain) {
    if (!Object.hasOwn(valuesByScope, scope.id)) continue;
    const values = valuesByScope[scope.id];
    if (values === undefined) continue;
    for (const [key, value] of Object.entries(values)) {
      // Walking outer → inner, so a later (inner) value overrides an earlier (outer) one.
      if (value !== undefined) merged.set(key, value);
    }
  }
  // fromEntries defines own properties, so a "__proto__" key stays data instead of changing the prototype.
  return Object.fromEntries(merged) as Partial<T>;
}
