import { desc, eq } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { RUN_LEDGER_KEY_LABEL, deriveOrgMacKey, evidenceHash, hashValue, macHex, macValid } from "../../core/evidence";
import type { Run } from "../../schemas";
import { events, runs } from "./tables";

// The link hash of the run ledger's event chain (finding 13). Every event appended now is keyed: an
// HMAC-SHA256 under the org's ledger key, so rewriting history needs the Worker secret, not just
// storage. Events appended before the upgrade keep the unkeyed hash they were written with; the
// anchor's checkpoint says where the keyed part starts (verify.ts).

export type Db = DrizzleSqliteDODatabase<Record<string, never>>;
export type EventRow = typeof events.$inferSelect;
export type Head = { seq: number; hash: string | null };

/**
 * What a keyed link binds from its Run's row besides the record: fields fixed when the Run is created
 * and not part of the record (creation order, the idempotency key, whether arguments were kept).
 */
export type RowBinding = { runSeq: number; idempotencyKey: string | null; hasInput: boolean };

/** The org's ledger key: HKDF of the Worker secret under its own label, bound to the org id. */
export function ledgerKey(secretBase64: string, orgId: string): Promise<CryptoKey> {
  return deriveOrgMacKey(secretBase64, RUN_LEDGER_KEY_LABEL, orgId);
}

export function head(db: Db): Head {
  const last = db.select({ seq: events.seq, hash: events.hash }).from(events).orderBy(desc(events.seq)).get();
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

export function keyedHash(key: CryptoKey, e: LinkFields, row: RowBinding): Promise<string> {
  return macHex(key, keyedMessage(e, row));
}

export function keyedValid(key: CryptoKey, e: EventRow, row: RowBinding): Promise<boolean> {
  return macValid(key, keyedMessage(e, row), e.hash);
}

/** The hash events carried before the upgrade: SHA-256 over the predecessor and the content, no key. */
export function legacyHash(e: LinkFields): Promise<string> {
  return evidenceHash(e.prevHash, { runId: e.runId, status: e.status, at: e.at, recordHash: e.recordHash });
}

export function withoutHashes(run: Run): Omit<Run, "prevHash" | "evidenceHash"> {
  const { prevHash: _p, evidenceHash: _e, ...rest } = run;
  return rest;
}

/**
 * Appends the event for a Run's new state and stamps the Run with it: the event's keyed hash covers
 * the previous event's hash and the hash of the whole record, so any later edit of either is detectable.
 * Callers serialize appends (index.ts): the head read here must still be the head when they write.
 */
export async function stamp(
  db: Db,
  key: CryptoKey,
  body: Omit<Run, "prevHash" | "evidenceHash">,
  at: number,
  row: RowBinding,
): Promise<{ run: Run; event: EventRow }> {
  const recordHash = await hashValue(body);
  const prev = head(db);
  const fields = { seq: prev.seq + 1, runId: body.id, status: body.status, at, recordHash, prevHash: prev.hash };
  const hash = await keyedHash(key, fields, row);
  return { run: { ...body, prevHash: prev.hash, evidenceHash: hash }, event: { ...fields, hash } };
}
