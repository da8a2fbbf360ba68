import { eq } from "drizzle-orm";
import type { HmacSha256Key } from "../../core/evidence";
import { hashValueSync, sha256HexSync } from "../../core/evidence";
import type { LedgerBreak, LedgerCheckpoint, LedgerVerification, Run } from "../../schemas";
import type { AnchorState } from "./anchoring";
import type { Db, EventRow } from "./chain";
import { bindingOf, keyedValid, legacyHash, withoutHashes } from "./chain";
import { events, outputs, runs } from "./tables";
import { maskSealed } from "../../core/write-only";

type RunRow = typeof runs.$inferSelect;
type Break = { code: LedgerBreak; seq: number | null; runId: string | null; reason: string };

/**
 * Recomputes the chain from the first event and compares it with the anchor's checkpoint (finding 13):
 * each event's hash from its predecessor and content (keyed from `checkpoint.keyedFrom` on, the legacy
 * unkeyed hash before it), the event at the checkpoint's seq against the signed head, the ledger's
 * length against the checkpoint, and each stored Run against the event that recorded it.
 * Reports the first break. `anchor` is what Anchoring.read() found (its MAC already checked).
 * Synchronous, over one snapshot of both tables: no append can land while it runs.
 */
export function verifyLedger(db: Db, key: HmacSha256Key, anchor: AnchorState): LedgerVerification {
  const all = db.select().from(events).orderBy(events.seq).all();
  const rows = db.select().from(runs).orderBy(runs.seq).all();
  const broken = (b: Break): LedgerVerification => ({ ok: false, events: all.length, code: b.code, brokenAt: { seq: b.seq, runId: b.runId }, reason: b.reason });
  if (anchor.kind === "invalid") {
    return broken({ code: "anchor_invalid", seq: null, runId: null, reason: "the anchor's checkpoint is not authentic for this org: it was edited or copied" });
  }
  const checkpoint = anchor.kind === "checkpoint" ? anchor.checkpoint : null;

  const chain = walkChain(all, new Map(rows.map((r) => [r.id, r])), key, checkpoint);
  if ("code" in chain) return broken(chain);
  if (checkpoint && checkpoint.seq > all.length) {
    return broken({
      code: "truncated",
      seq: all.length + 1,
      runId: null,
      reason: `the ledger ends at event ${all.length} but its anchor signed event ${checkpoint.seq}: events ${all.length + 1}..${checkpoint.seq} were removed`,
    });
  }
  const runBreak = checkRuns(db, rows, chain.latest, chain.first);
  if (runBreak) return broken(runBreak);
  const head = all.at(-1)?.hash ?? null;
  return {
    ok: true,
    events: all.length,
    head,
    anchor: checkpoint ? { seq: checkpoint.seq, at: checkpoint.at } : null,
    unanchored: all.length - (checkpoint?.seq ?? 0),
    legacyEvents: chain.legacy,
  };
}

type Walked = { latest: Map<string, EventRow>; first: Map<string, number>; legacy: number };

function walkChain(all: EventRow[], byId: Map<string, RunRow>, key: HmacSha256Key, checkpoint: LedgerCheckpoint | null): Walked | Break {
  // Without a checkpoint the ledger has never been sealed, so every event must be a legacy one.
  const keyedFrom = checkpoint?.keyedFrom ?? Number.POSITIVE_INFINITY;
  const latest = new Map<string, EventRow>();
  const first = new Map<string, number>();
  let prev: string | null = null;
  let legacy = 0;
  for (const [i, e] of all.entries()) {
    const at = { seq: e.seq, runId: e.runId };
    if (e.seq !== i + 1) return { code: "broken_link", seq: i + 1, runId: null, reason: `event ${i + 1} is missing` };
    if (e.prevHash !== prev) return { code: "broken_link", ...at, reason: `event ${e.seq} does not follow from its predecessor` };
    const row = byId.get(e.runId);
    if (!row) return { code: "run_deleted", ...at, reason: `run ${e.runId} was deleted` };
    const binding = bindingOf({ seq: row.seq, idempotencyKey: row.idempotencyKey, input: row.input ?? null });
    if (e.seq < keyedFrom) {
      if (legacyHash(e) !== e.hash) {
        const keyed = checkpoint === null && keyedValid(key, e, binding);
        return keyed
          ? { code: "anchor_missing", ...at, reason: `event ${e.seq} is keyed but the anchor holds no checkpoint: the anchor was lost or rolled back` }
          : { code: "broken_link", ...at, reason: `event ${e.seq} is not the event that was recorded (unkeyed hash)` };
      }
      legacy++;
    } else if (!keyedValid(key, e, binding)) {
      return { code: "broken_link", ...at, reason: `event ${e.seq} is not the event that was recorded (its keyed hash does not match)` };
    }
    if (checkpoint && e.seq === checkpoint.seq && e.hash !== checkpoint.head) {
      return { code: "diverged", ...at, reason: `event ${e.seq} is not the one the anchor signed: history was rewritten at or before it` };
    }
    latest.set(e.runId, e);
    if (!first.has(e.runId)) first.set(e.runId, e.seq);
    prev = e.hash;
  }
  return { latest, first, legacy };
}

/** Each stored Run must be exactly what its latest event recorded, in every column. */
function checkRuns(db: Db, rows: RunRow[], latest: Map<string, EventRow>, first: Map<string, number>): Break | null {
  const found: Break[] = [];
  let lastFirst = 0;
  for (const row of rows) {
    const e = latest.get(row.id);
    if (!e) {
      found.push({ code: "run_unchained", seq: null, runId: row.id, reason: `run ${row.id} is stored but no event recorded it` });
      continue;
    }
    const changed = (what: string): void => void found.push({ code: "record_changed", seq: e.seq, runId: row.id, reason: `run ${row.id}'s ${what} was changed after it was recorded` });
    const record = row.record as Run;
    // Creation order: Runs ordered by their seq column must be ordered by the event that created them.
    const created = first.get(row.id) ?? 0;
    if (created < lastFirst) changed("position (seq)");
    lastFirst = created;
    if (hashValueSync(withoutHashes(record)) !== e.recordHash) changed("record");
    else if (record.evidenceHash !== e.hash || record.prevHash !== e.prevHash) changed("evidence hashes");
    else if (row.status !== record.status || row.address !== record.address || row.userId !== record.principal.userId || row.createdAt !== record.createdAt) {
      changed("indexed columns");
    } else if (row.input !== null && hashValueSync(maskSealed(row.input)) !== record.inputHash) changed("stored arguments");
    else if (record.output?.kind === "handle") {
      const stored = db.select({ chunk: outputs.chunk }).from(outputs).where(eq(outputs.runId, row.id)).orderBy(outputs.idx).all();
      if (sha256HexSync(stored.map((c) => c.chunk).join("")) !== record.output.sha256) {
        found.push({ code: "output_changed", seq: e.seq, runId: row.id, reason: `run ${row.id}'s stored output was changed` });
      }
    }
  }
  // The first break in ledger order; a Run outside the chain after every chained one.
  found.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
  return found[0] ?? null;
}
