import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { JsonValue } from "../../schemas";

// The run ledger of one org: every Run, and the append-only, hash-chained log of their transitions.
// See storage-schema.md beside this file; migrations live in migrations/run-ledger/.

export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    /** Creation order within the ledger (for stable pagination). */
    seq: integer("seq").notNull(),
    status: text("status").notNull(),
    address: text("address").notNull(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
    /** The whole Run record (schemas/run.ts) as JSON. */
    record: text("record", { mode: "json" }).notNull().$type<JsonValue>(),
    /** The exact approved-or-requested arguments, kept for an approved call to run with (bound by inputHash). */
    input: text("input", { mode: "json" }).$type<JsonValue>(),
    /** Idempotency key of the request that created the Run, if any. */
    idempotencyKey: text("idempotency_key"),
  },
  (t) => [
    index("runs_seq").on(t.seq),
    index("runs_status").on(t.status),
    index("runs_address").on(t.address),
    index("runs_user").on(t.userId),
    index("runs_idem").on(t.idempotencyKey),
  ],
);

/** Append-only: each transition of a Run, chained to the previous event of the ledger. */
export const events = sqliteTable("events", {
  seq: integer("seq").primaryKey(),
  runId: text("run_id").notNull(),
  status: text("status").notNull(),
  at: integer("at").notNull(),
  /** SHA-256 of the canonical JSON of the Run record after this transition (without its hashes). */
  recordHash: text("record_hash").notNull(),
  prevHash: text("prev_hash"),
  hash: text("hash").notNull(),
});

/** Outputs too large to keep inline in a Run record, in chunks below the 2 MB row limit. */
export const outputs = sqliteTable(
  "outputs",
  {
    runId: text("run_id").notNull(),
    idx: integer("idx").notNull(),
    chunk: text("chunk").notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.idx] })],
);
