import { canonicalJson } from "../../core/evidence";
import { covers } from "../../core/grant";
import type { AuthTemplate, CatalogToolDefinition, GrantTarget } from "../../schemas";
import type { tools } from "./tables";

// DESIGN invariant 6: "imported authority never widens by itself … where a credential is sent (server,
// token URL, auth template) is part of what a grant covers". A grant records the definition hash and
// the GrantTarget (destination + auth fingerprint) it was given for; these functions decide what a
// refresh or a review does to it.

type ToolRow = typeof tools.$inferSelect;

/** The grant columns of a tool row. */
export type GrantColumns = Pick<ToolRow, "status" | "grantedHash" | "grantedDestination" | "grantedAuth">;

/** What a refresh did to a tool that already existed. */
export type RefreshOutcome = "unchanged" | "changed" | "moved";

/** The auth templates a refresh replaces and the ones it brings, with the new ones' fingerprint. */
export type AuthChange = { readonly before: readonly AuthTemplate[]; readonly after: readonly AuthTemplate[]; readonly fingerprint: string };

/** A tool's grant on its first import: granted at the destination and auth it arrived with. */
export function firstGrant(definition: CatalogToolDefinition, fingerprint: string): GrantColumns {
  return { status: "granted", grantedHash: definition.hash, grantedDestination: definition.destination, grantedAuth: fingerprint };
}

/**
 * What the grant covers, as stored. A row granted before migration 0006 has no recorded target; its
 * grant covers the stored definition as it was, so a refresh that leaves both the invocation data
 * (from which the plugin derives the destination, under an unchanged config) and the auth templates
 * exactly as they were keeps it, and anything else cannot be shown to stay where it was.
 */
function grantedTarget(prior: ToolRow, next: CatalogToolDefinition, auth: AuthChange): GrantTarget | null {
  if (prior.grantedDestination !== null && prior.grantedAuth !== null) {
    return { destination: prior.grantedDestination, auth: prior.grantedAuth };
  }
  const sameInvocation = canonicalJson(prior.invocation) === canonicalJson(next.invocation);
  const sameAuth = canonicalJson(auth.before) === canonicalJson(auth.after);
  return sameInvocation && sameAuth ? { destination: next.destination, auth: auth.fingerprint } : null;
}

/**
 * A refreshed tool's grant. A granted tool whose destination or auth moved loses its grant (it awaits
 * review again, reported `moved`) and keeps the record of what had been granted; one that did not move
 * keeps its grant even if its description or schemas changed (reported `changed`, flagged by hash). A
 * tool that was not granted stays so.
 */
export function refreshGrant(prior: ToolRow, next: CatalogToolDefinition, auth: AuthChange): { grant: GrantColumns; outcome: RefreshOutcome } {
  const kept: GrantColumns = {
    status: prior.status,
    grantedHash: prior.grantedHash,
    grantedDestination: prior.grantedDestination,
    grantedAuth: prior.grantedAuth,
  };
  const definitionChanged = prior.hash !== next.hash;
  if (prior.status !== "granted") return { grant: kept, outcome: definitionChanged ? "changed" : "unchanged" };
  const target = { destination: next.destination, auth: auth.fingerprint };
  const granted = grantedTarget(prior, next, auth);
  if (granted === null || !covers(granted, target)) return { grant: { ...kept, status: "awaiting_review" }, outcome: "moved" };
  return {
    grant: { ...kept, grantedDestination: granted.destination, grantedAuth: granted.auth },
    outcome: definitionChanged ? "changed" : "unchanged",
  };
}

/** True when a refresh leaves the row exactly as it was (nothing to write). */
export function untouched(prior: ToolRow, next: CatalogToolDefinition, grant: GrantColumns): boolean {
  return (
    prior.hash === next.hash &&
    prior.destination === next.destination &&
    prior.status === grant.status &&
    prior.grantedDestination === grant.grantedDestination &&
    prior.grantedAuth === grant.grantedAuth
  );
}

/**
 * A review grants the tool at its current definition, destination and auth. A row stored before
 * migration 0006 (no destination yet) is granted at its stored definition, like the grants it kept.
 */
export function reviewGrant(row: Pick<ToolRow, "hash" | "destination">, fingerprint: string): GrantColumns {
  return {
    status: "granted",
    grantedHash: row.hash,
    grantedDestination: row.destination,
    grantedAuth: row.destination === null ? null : fingerprint,
  };
}
