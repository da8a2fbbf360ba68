import { z } from "zod";
import { EpochMs, RecordId, ScopeId, Sha256Hex } from "./common";

/**
 * A signed checkpoint of one org's run ledger, kept by the LedgerAnchor outside the ledger's own
 * storage (finding 13): the head hash at `seq`, where the keyed chain starts, and an HMAC-SHA256 under
 * the org's anchor key (core/evidence/mac.ts) over everything else.
 */
export const LedgerCheckpoint = z.object({
  org: ScopeId,
  /** The number of events covered; 0 for a ledger sealed while still empty. */
  seq: z.number().int().nonnegative(),
  /** The hash of event `seq`, null when `seq` is 0. */
  head: Sha256Hex.nullable(),
  /** The first event chained with the keyed link hash; the events before it carry the legacy unkeyed hash. */
  keyedFrom: z.number().int().positive(),
  at: EpochMs,
  mac: Sha256Hex,
});
export type LedgerCheckpoint = z.infer<typeof LedgerCheckpoint>;

/** The part of a checkpoint its MAC covers. */
export type LedgerCheckpointBody = Omit<LedgerCheckpoint, "mac">;

/** Why a ledger failed verification, one code per kind of break (callers branch on it, never on `reason`). */
export const LedgerBreak = z.enum([
  /** An event does not follow from its predecessor, or its hash is not its own content's. */
  "broken_link",
  /** A Run's stored row disagrees with the event that recorded it. */
  "record_changed",
  /** A large output stored beside a Run is not the one recorded. */
  "output_changed",
  /** An event names a Run that is no longer stored. */
  "run_deleted",
  /** A stored Run has no event: it was never recorded through the ledger. */
  "run_unchained",
  /** The ledger ends before the anchor's checkpoint: its newest events were removed. */
  "truncated",
  /** The event at the anchor's checkpoint is not the one the anchor signed: history was rewritten. */
  "diverged",
  /** The ledger holds keyed events but its anchor has no checkpoint. */
  "anchor_missing",
  /** The anchor's checkpoint is not authentic for this org. */
  "anchor_invalid",
]);
export type LedgerBreak = z.infer<typeof LedgerBreak>;

/** What GET /v1/runs/verify answers. */
export const LedgerVerification = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    events: z.number().int().nonnegative(),
    head: Sha256Hex.nullable(),
    /** The newest checkpoint the anchor holds, if the ledger has been sealed. */
    anchor: z.object({ seq: z.number().int().nonnegative(), at: EpochMs }).nullable(),
    /** Events newer than the checkpoint: removing those is the one change verify cannot see. */
    unanchored: z.number().int().nonnegative(),
    /** Events from before the upgrade, chained with the unkeyed hash and sealed by the checkpoint. */
    legacyEvents: z.number().int().nonnegative(),
  }),
  z.object({
    ok: z.literal(false),
    events: z.number().int().nonnegative(),
    code: LedgerBreak,
    /** Where history stops matching: the first broken event, or the first missing one. `seq` is null for a Run outside the chain. */
    brokenAt: z.object({ seq: z.number().int().positive().nullable(), runId: RecordId.nullable() }),
    reason: z.string(),
  }),
]);
export type LedgerVerification = z.infer<typeof LedgerVerification>;
