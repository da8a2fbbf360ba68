import { desc, eq } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import type { HmacSha256Key } from "../../core/evidence";
import { RUN_LEDGER_KEY_LABEL, canonicalJson, deriveOrgHmacKey, hashValueSync, macHexSync, macValidSync, sha256HexSync } from "../../core/evidence";
import type { Run } from "../../schemas";
import { events, runs } from "./tables";

// The link hash of the run ledger's event chain (finding 13). Every event appended now is keyed: an
// HMAC-SHA256 under the org's ledger key, so rewriting history needs the Worker secret, not just
// storage. Events appended before the upgrade keep the unkeyed hash they were written with; the
// anchor's checkpoint says where the keyed part starts (verify.ts).
//
// Everything here is synchronous (core/evidence/sha256.ts): an append reads the head, hashes and
// writes without awaiting anything, so no other call of the object can run in between and fork the
// chain, and appends need no queue.

export type Db = DrizzleSqliteDODatabase<Record<string, never>>;
export type EventRow = typeof events.$inferSelect;
export type Head = { seq: number; hash: string | null };

/**
 * What a keyed link binds from its Run's row besides the record: fields fixed when the Run is created
 * and not part of the record (creation order, the idempotency key, whether arguments were kept).
 */
export type RowBinding = { runSeq: number; idempotencyKey: string | null; hasInput: boolean };

/** The org's ledger key: HKDF of the Worker secret under its own label, bound to the org id. */
export function ledgerKey(secretBase64: string, orgId: string): Promise<HmacSha256Key> {
  return deriveOrgHmacKey(secretBase64, RUN_LEDGER_KEY_LABEL, orgId);
}

export function head(db: Db): Head {
  // LIMIT 1 matters: drizzle's `.get()` materializes every row the query returns and keeps the first,
  // so without it each append read the whole event log (the cost that grew with the ledger).
  const last = db.select({ seq: events.seq, hash: events.hash }).from(events).orderBy(desc(events.seq)).limit(1).get();
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: null };
}

export function eventAt(db: Db, seq: number): EventRow | undefined {
  return db.select().from(events).where(eq(events.seq, seq)).get();
}

export function bindingOf(row: { seq: number; idempotencyKey: string | null; input: unknown }): RowBinding {
  return { runSeq: row.seq, idempotencyKey: row.idempotencyKey, hasInput: row.input !== null };
}

/** The binding of the Run an event belongs to, as stored now. */
export function storedBinding(db: Db, runId: string): RowBinding | null {
  const row = db.select({ seq: runs.seq, idempotencyKey: runs.idempotencyKey, input: runs.input }).from(runs).where(eq(runs.id, runId)).get();
  return row ? bindingOf({ seq: row.seq, idempotencyKey: row.idempotencyKey, input: row.input ?? null }) : null;
}

type LinkFields = Omit<EventRow, "hash">;

/** The keyed link's message: the event's position and content, its predecessor, and its Run's binding. */
function keyedMessage(e: LinkFields, row: RowBinding): object {
  return { v: 1, seq: e.seq, prev: e.prevHash, runId: e.runId, status: e.status, at: e.at, recordHash: e.recordHash, run: row };
}

export function keyedHash(key: HmacSha256Key, e: LinkFields, row: RowBinding): string {
  return macHexSync(key, keyedMessage(e, row));
}

export function keyedValid(key: HmacSha256Key, e: EventRow, row: RowBinding): boolean {
  return macValidSync(key, keyedMessage(e, row), e.hash);
}

/**
 * The hash events carried before the upgrade: SHA-256 over the predecessor and the content, no key
 * (core/evidence `evidenceHash`, computed synchronously).
 */
export function legacyHash(e: LinkFields): string {
  return sha256HexSync(canonicalJson({ prev: e.prevHash, record: { runId: e.runId, status: e.status, at: e.at, recordHash: e.recordHash } }));
}

export function withoutHashes(run: Run): Omit<Run, "prevHash" | "evidenceHash"> {
  const { prevHash: _p, evidenceHash: _e, ...rest } = run;
  return rest;
}

/**
 * Appends the event for a Run's new state and stamps the Run with it: the event's keyed hash covers
 * the previous event's hash and the hash of the whole record, so any later edit of either is detectable.
 * Synchronous on purpose: callers write the event in the same synchronous step (ledger.ts), so the
 * head read here is still the head when they write.
 */
export function stamp(db: Db, key: HmacSha256Key, body: Omit<Run, "prevHash" | "evidenceHash">, at: number, row: RowBinding): { run: Run; event: EventRow } {
  const recordHash = hashValueSync(body);
  const prev = head(db);
  const fields = { seq: prev.seq + 1, runId: body.id, status: body.status, at, recordHash, prevHash: prev.hash };
  const hash = keyedHash(key, fields, row);
  return { run: { ...body, prevHash: prev.hash, evidenceHash: hash }, event: { ...fields, hash } };
}
