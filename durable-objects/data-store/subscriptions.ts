import { z } from "zod";
import { SqlParams, LIMITS } from "./limits";
import { sha256HexSync } from "../../core/evidence/sha256";

/** The request header by which the gateway hands an authorised subscription to its store (never a client's). */
export const SUBSCRIPTION_HEADER = "x-executor-subscription";

/**
 * Who subscribed, enough to ask again whether they still may read (never the credential itself: an
 * API key or session by the hash the account directory stores, an OAuth grant by its person and expiry).
 */
export const SubscriberTicket = z.object({
  kind: z.enum(["api_key", "session", "oauth"]),
  credentialHash: z.string().max(128).nullable(),
  /** The credential shard its token names (public: the tag in the token), or null for one issued before sharding. */
  shard: z.number().int().min(0).max(1023).nullable(),
  credentialId: z.string().max(128),
  userId: z.string().max(128),
  orgId: z.string().max(128),
  toolkit: z.string().max(200).nullable(),
  /** The read tool the subscription stands for (`store.<scope>.<name>.query` or `.list`). */
  address: z.string().max(600),
  /** Epoch ms after which the credential no longer works (OAuth access tokens); null: until revoked. */
  expiresAt: z.number().int().nullable(),
});
export type SubscriberTicket = z.infer<typeof SubscriberTicket>;

/** What a subscriber watches: a query over a SQLite store, or a key prefix of a key-value store. */
export const SubscriptionView = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("query"), sql: z.string().min(1).max(10_000), params: SqlParams.default([]), limit: z.number().int().min(1).max(LIMITS.readRows).default(100) }),
  z.object({ kind: z.literal("prefix"), prefix: z.string().max(LIMITS.keyChars).default(""), limit: z.number().int().min(1).max(LIMITS.readRows).default(100) }),
]);
export type SubscriptionView = z.infer<typeof SubscriptionView>;

export const Subscription = z.object({ ticket: SubscriberTicket, view: SubscriptionView });
export type Subscription = z.infer<typeof Subscription>;

/** Close codes a subscriber sees (4000–4999 are the application's). */
export const CLOSE = { accessEnded: 4403, storeGone: 4410, invalidView: 4422 } as const;

/** How often open subscriptions are re-authorised when nothing is written (ms). */
export const REAUTHORIZE_MS = 10_000;

/** Subscriptions that watch the same thing share one evaluation per write (a hash: tags are at most 256 characters). */
export function viewKey(view: SubscriptionView): string {
  return `view:${sha256HexSync(JSON.stringify(view))}`;
}

/** Subscriptions one credential may hold on a store, and distinct views a store evaluates per write. */
export const PER_CREDENTIAL = 20;
export const DISTINCT_VIEWS = 50;
/** A view whose evaluation takes longer than this is ended (4422): one subscriber cannot slow every write. */
export const VIEW_BUDGET_MS = 250;

/** Distinct subscribers by credential: each is re-authorised once per round. */
export function ticketKey(ticket: SubscriberTicket): string {
  return `${ticket.kind}:${ticket.credentialId}:${ticket.credentialHash ?? ""}:${ticket.toolkit ?? ""}:${ticket.address}`;
}

/** The gateway's answer to "may this subscriber still read?" (workers/gateway/stores/access.ts). */
export type AccessChecker = { allowed(ticket: SubscriberTicket): Promise<boolean> };
