import { and, desc, eq, gt, gte, lt, lte, sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import type { HmacSha256Key } from "../../core/evidence";
import { hashValue, hashValueSync, sha256Hex } from "../../core/evidence";
import { newId } from "../../core/ids";
import { INITIAL_STATUSES, canTransition } from "../../core/run-state";
import type { JsonValue, Result, Run, RunStatus, RunSurface } from "../../schemas";
import { fail, ok } from "../../schemas";
import type { Db } from "./chain";
import { bindingOf, stamp, withoutHashes } from "./chain";
import { events, outputs, runs } from "./tables";
import { maskSealed } from "../../core/write-only";

/** Outputs larger than this are stored beside the Run and recorded as a handle. */
export const INLINE_OUTPUT_CHARS = 256 * 1024;
const OUTPUT_CHUNK_CHARS = 512 * 1024;

export type { Db } from "./chain";
export type NewRun = Omit<Run, "id" | "prevHash" | "evidenceHash">;
export type RunPatch = Partial<Pick<Run, "status" | "output" | "error" | "startedAt" | "finishedAt" | "retries" | "approvals" | "logs">>;
/** A child Run's bound: its parent must still be running and have fewer than `maxChildren` children. */
export type ParentBound = { maxChildren: number };
export type RunFilter = {
  address?: string;
  status?: RunStatus;
  /** The latest decision recorded on the Run. */
  decision?: "approve" | "deny";
  userId?: string;
  surface?: RunSurface;
  /** The child Runs of this Run (the tool calls its code made). */
  parentRunId?: string;
  since?: number;
  until?: number;
  /** Return Runs created before this seq (the previous page's cursor). */
  before?: number;
  limit: number;
};

/**
 * A child Run (a tool call made by running code) is admitted only while its parent runs, and at most
 * `maxChildren` per parent: the budget of one code run, enforced here because the ledger serializes
 * every append of the org, so concurrent calls from one sandbox cannot overshoot it. The children are
 * the Runs created after the parent with its id as `parentRunId`.
 */
function checkParent(db: Db, parentRunId: string, bound: ParentBound): Result<null> {
  const parent = db.select({ seq: runs.seq, status: runs.status }).from(runs).where(eq(runs.id, parentRunId)).get();
  if (!parent) return fail("not_found", `no parent run '${parentRunId}'`);
  if (parent.status !== "running") return fail("conflict", `run '${parentRunId}' is ${parent.status}: it makes no more calls`);
  const children = db
    .select({ n: sql<number>`count(*)` })
    .from(runs)
    .where(and(gt(runs.seq, parent.seq), sql`json_extract(${runs.record}, '$.parentRunId') = ${parentRunId}`))
    .get();
  if ((children?.n ?? 0) >= bound.maxChildren) {
    return fail("conflict", `run '${parentRunId}' has made its ${bound.maxChildren} calls: the budget of one code run is spent`);
  }
  return ok(null);
}

/** The hash `recordRun` compares with a Run's inputHash, for callers that compute it before appending. */
export function argumentsHash(args: JsonValue): Promise<string> {
  return hashValue(maskSealed(args));
}

/**
 * Records a new Run and its first event. Synchronous, so that the checks (parent budget, idempotency
 * key), the chain head it reads and the write are one step no other call can interleave with.
 * `argsHash` is `argumentsHash(args)` if the caller computed it beforehand (off the critical path).
 */
export function recordRun(
  db: Db,
  key: HmacSha256Key,
  input: NewRun,
  args: JsonValue | null,
  idempotencyKey: string | null,
  parent?: ParentBound,
  argsHash: string | null = args === null ? null : hashValueSync(maskSealed(args)),
): Result<{ run: Run; replayed: boolean }> {
  // A Run starts where a call can start (core/run-state); later states come only by transition.
  if (!INITIAL_STATUSES.includes(input.status)) return fail("invalid_input", `a Run cannot be created as ${input.status}`);
  if (parent) {
    if (input.parentRunId === null) return fail("invalid_input", "a bounded child Run needs its parentRunId");
    const allowed = checkParent(db, input.parentRunId, parent);
    if (!allowed.ok) return allowed;
  }
  if (idempotencyKey) {
    const existing = db.select({ record: runs.record }).from(runs).where(eq(runs.idempotencyKey, idempotencyKey)).get();
    if (existing) return ok({ run: existing.record as Run, replayed: true });
  }
  // The arguments kept for an approved call must be the ones the record names: their hash is in the
  // record, so verify can show they were not swapped afterwards (approved.ts checks it again).
  if (args !== null && argsHash !== input.inputHash) return fail("invalid_input", "the arguments do not match the Run's inputHash");
  const body = { ...input, id: newId("run") };
  // LIMIT 1: drizzle's `.get()` reads every row of the result and keeps the first (see chain.ts head).
  const seq = (db.select({ seq: runs.seq }).from(runs).orderBy(desc(runs.seq)).limit(1).get()?.seq ?? 0) + 1;
  const { run, event } = stamp(db, key, body, input.createdAt, bindingOf({ seq, idempotencyKey, input: args }));
  db.transaction((tx) => {
    tx.insert(runs)
      .values({ id: run.id, seq, status: run.status, address: run.address, userId: run.principal.userId, createdAt: run.createdAt, record: run, input: args, idempotencyKey })
      .run();
    tx.insert(events).values(event).run();
  });
  return ok({ run, replayed: false });
}

/**
 * Moves a Run to a new state if the state machine allows it and its current state is one the caller
 * expects. Durable Objects run one call at a time and this awaits nothing between the check and the
 * write, so two concurrent approvals cannot both move a Run out of pending_approval.
 */
export function transitionRun(
  db: Db,
  key: HmacSha256Key,
  id: string,
  patch: RunPatch,
  expected: RunStatus[],
  at: number,
  /** More writes that belong to the same state change, in the same transaction. */
  alongside?: (tx: Pick<Db, "insert">) => void,
): Result<Run> {
  const row = db.select().from(runs).where(eq(runs.id, id)).get();
  if (!row) return fail("not_found", `no run '${id}'`);
  const current = row.record as Run;
  const to = patch.status ?? current.status;
  if (!expected.includes(current.status) || (to !== current.status && !canTransition(current.status, to))) {
    return fail("conflict", `run '${id}' is ${current.status}; it cannot become ${to}`);
  }
  const binding = bindingOf({ seq: row.seq, idempotencyKey: row.idempotencyKey, input: row.input ?? null });
  const { run, event } = stamp(db, key, { ...withoutHashes(current), ...patch, status: to }, at, binding);
  db.transaction((tx) => {
    tx.update(runs).set({ status: run.status, record: run }).where(eq(runs.id, id)).run();
    tx.insert(events).values(event).run();
    alongside?.(tx);
  });
  return ok(run);
}

export function getRun(db: Db, id: string): Result<{ run: Run; input: JsonValue | null }> {
  const row = db.select({ record: runs.record, input: runs.input }).from(runs).where(eq(runs.id, id)).get();
  return row ? ok({ run: row.record as Run, input: row.input ?? null }) : fail("not_found", `no run '${id}'`);
}

export function listRuns(db: Db, filter: RunFilter): { runs: Run[]; nextCursor: number | null } {
  const where: SQL[] = [];
  if (filter.address) where.push(eq(runs.address, filter.address));
  if (filter.status) where.push(eq(runs.status, filter.status));
  if (filter.decision) where.push(sql`json_extract(${runs.record}, '$.approvals[#-1].decision') = ${filter.decision}`);
  if (filter.userId) where.push(eq(runs.userId, filter.userId));
  if (filter.surface) where.push(sql`json_extract(${runs.record}, '$.surface') = ${filter.surface}`);
  if (filter.parentRunId) {
    // Children are created after their parent (checkParent), so the scan stops at the parent's seq
    // instead of reading the whole ledger.
    where.push(gt(runs.seq, sql`(SELECT ${runs.seq} FROM ${runs} WHERE ${runs.id} = ${filter.parentRunId})`));
    where.push(sql`json_extract(${runs.record}, '$.parentRunId') = ${filter.parentRunId}`);
  }
  if (filter.since !== undefined) where.push(gte(runs.createdAt, filter.since));
  if (filter.until !== undefined) where.push(lte(runs.createdAt, filter.until));
  if (filter.before !== undefined) where.push(lt(runs.seq, filter.before));
  const rows = db
    .select({ seq: runs.seq, record: runs.record })
    .from(runs)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(runs.seq))
    .limit(filter.limit + 1)
    .all();
  const page = rows.slice(0, filter.limit);
  const more = rows.length > filter.limit;
  return { runs: page.map((r) => r.record as Run), nextCursor: more ? (page[page.length - 1]?.seq ?? null) : null };
}

/** A Run's output ready to be recorded: inline, or a handle with its chunks to store beside the Run. */
export type PreparedOutput = { output: NonNullable<Run["output"]>; chunks: string[] };

/**
 * Decides how an output is kept: inline when small, else stored in chunks and recorded as a handle
 * (the Run id) with the SHA-256 of its JSON text. Async work (hashing a large output) happens here,
 * before the append, so the append itself stays synchronous.
 */
export async function prepareOutput(id: string, value: JsonValue): Promise<PreparedOutput> {
  const text = JSON.stringify(value);
  if (text.length <= INLINE_OUTPUT_CHARS) return { output: { kind: "inline", value }, chunks: [] };
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += OUTPUT_CHUNK_CHARS) chunks.push(text.slice(i, i + OUTPUT_CHUNK_CHARS));
  return { output: { kind: "handle", handle: id, bytes: new TextEncoder().encode(text).byteLength, sha256: await sha256Hex(text) }, chunks };
}

/** Completes a Run with its prepared output, the chunks in the same transaction as the transition. */
export function completeWithOutput(
  db: Db,
  key: HmacSha256Key,
  id: string,
  prepared: PreparedOutput,
  finishedAt: number,
  extra: Pick<RunPatch, "logs"> = {},
): Result<Run> {
  const { output, chunks } = prepared;
  return transitionRun(db, key, id, { status: "succeeded", output, finishedAt, ...extra }, ["running"], finishedAt, (tx) => {
    chunks.forEach((chunk, idx) => tx.insert(outputs).values({ runId: id, idx, chunk }).run());
  });
}

/** A slice of a Run's output as JSON text (inline or stored), for reading large results in pages. */
export function readOutput(db: Db, id: string, offset: number, length: number): Result<{ text: string; total: number }> {
  const found = getRun(db, id);
  if (!found.ok) return found;
  const { output } = found.value.run;
  if (!output) return fail("not_found", `run '${id}' has no output`);
  const full =
    output.kind === "inline"
      ? JSON.stringify(output.value)
      : db.select({ chunk: outputs.chunk }).from(outputs).where(eq(outputs.runId, id)).orderBy(outputs.idx).all().map((c) => c.chunk).join("");
  return ok({ text: full.slice(offset, offset + length), total: full.length });
}

/** The Run an idempotency key created, if any. */
export function findByIdempotencyKey(db: Db, key: string): Run | null {
  const row = db.select({ record: runs.record }).from(runs).where(eq(runs.idempotencyKey, key)).get();
  return row ? (row.record as Run) : null;
}
