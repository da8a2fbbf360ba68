/**
 * The egress guard (DESIGN §6 invariant 4): the one place upstream traffic is checked. `checkEgress` is the
 * pure URL decision; `guardedFetch` wraps a `fetch` so the first URL and every redirect hop pass it.
 */
export { checkEgress } from "./guard";
export type { EgressDecision, EgressPolicy, EgressRefusal } from "./guard";

export { guardedFetch } from "./fetch";
export type { GuardedFetch, GuardedFetchOptions } from "./fetch";

export { EgressError, isEgressError } from "./errors";
export type { EgressErrorCode } from "./errors";
