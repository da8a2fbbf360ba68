import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import type { HmacSha256Key } from "../../core/evidence";
import { evidenceHash, hashValue } from "../../core/evidence";
import type { JsonValue, Run } from "../../schemas";
import { ToolAddress } from "../../schemas";
import type { LedgerAnchorApi } from "../ledger-anchor/client";
import { ledgerAnchor } from "../ledger-anchor/client";
import type { RowBinding } from "./chain";
import { keyedHash } from "./chain";
import type { RunLedgerApi } from "./client";
import { runLedger } from "./client";

// Shared by the workerd tests of this folder (never imported by the Worker): ledgers to fill, and
// what an attacker with write access to a ledger's SQLite storage, but not the Worker secret, can do.

export const ledger = (org: string): RunLedgerApi => runLedger(env.RUN_LEDGER, org);
export const anchorOf = (org: string): LedgerAnchorApi => ledgerAnchor(env.LEDGER_ANCHOR, org);

export type RunInput = { run: Omit<Run, "id" | "prevHash" | "evidenceHash">; args: JsonValue | null; idempotencyKey: string | null };

export async function newRun(
  status: "running" | "pending_approval" | "rejected",
  n: number,
  args: JsonValue | null = null,
  idempotencyKey: string | null = null,
): Promise<RunInput> {
  return {
    run: {
      parentRunId: null,
      surface: "http",
      principal: { kind: "api_key", credentialId: "key_test", userId: "user_aaaaaaaaaa" },
      scopeChain: ["org_test", "user_aaaaaaaaaa"],
      capabilities: [],
      address: ToolAddress.parse(`pets.org_test.work.tool${n}`),
      toolHash: "a".repeat(64),
      artifactVersion: null,
      admission: { outcome: "admit", reason: { code: "allowed_by_default", message: "ok" }, rule: null, decidingScope: "org_test" },
      policyVersion: "v1",
      inputHash: await hashValue(args ?? { n }),
      output: null,
      status,
      createdAt: 1_000 + n,
      startedAt: null,
      finishedAt: null,
      approvals: [],
      retries: 0,
      error: null,
      localEgress: false,
      sandbox: null,
    },
    args,
    idempotencyKey,
  };
}

/** Records `count` Runs (each a running one that then succeeds) and returns their ids. */
export async function fill(org: string, count: number, batch = "a"): Promise<string[]> {
  const l = ledger(org);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const recorded = await l.record(await newRun("running", i, { i }, `key-${batch}${i}`));
    if (!recorded.ok) throw new Error(`record failed: ${recorded.error.message}`);
    const done = await l.complete(recorded.value.run.id, { n: i });
    if (!done.ok) throw new Error(`complete failed: ${done.error.message}`);
    ids.push(recorded.value.run.id);
  }
  return ids;
}

/** Runs `edit` against the org's ledger storage directly, as someone with access to its SQLite file. */
export async function inLedger(org: string, edit: (sql: SqlStorage) => void | Promise<void>): Promise<void> {
  const ns = env.RUN_LEDGER;
  await runInDurableObject(ns.get(ns.idFromName(org)), async (_instance, state) => {
    await edit(state.storage.sql);
  });
}

export async function inAnchor(org: string, edit: (storage: DurableObjectStorage) => void | Promise<void>): Promise<void> {
  const ns = env.LEDGER_ANCHOR;
  await runInDurableObject(ns.get(ns.idFromName(org)), async (_instance, state) => {
    await edit(state.storage);
  });
}

type EventCols = { seq: number; run_id: string; status: string; at: number };
type RunCols = { id: string; seq: number; record: string; input: string | null; idempotency_key: string | null };

/**
 * Rebuilds a consistent chain over whatever the tables now hold, exactly as the ledger would stamp
 * it: each event's record hash from its Run's stored record, each link from its predecessor, and the
 * Run records' own hash fields. `link` is the attacker's hash function: the old unkeyed hash, or a
 * keyed one under a key the attacker has (another org's, another deployment's).
 */
export async function rechain(sql: SqlStorage, link: (e: LinkInput, row: RowBinding) => Promise<string>): Promise<void> {
  const events = sql.exec<EventCols>("SELECT seq, run_id, status, at FROM events ORDER BY seq").toArray();
  const rows = new Map(sql.exec<RunCols>("SELECT id, seq, record, input, idempotency_key FROM runs").toArray().map((r) => [r.id, r]));
  let prev: string | null = null;
  const latest = new Map<string, { prev: string | null; hash: string }>();
  for (const e of events) {
    const row = rows.get(e.run_id);
    if (!row) continue;
    const { prevHash: _p, evidenceHash: _e, ...body } = JSON.parse(row.record) as Run;
    const recordHash = await hashValue(body);
    const binding = { runSeq: row.seq, idempotencyKey: row.idempotency_key, hasInput: row.input !== null };
    const hash = await link({ seq: e.seq, runId: e.run_id, status: e.status, at: e.at, recordHash, prevHash: prev }, binding);
    sql.exec("UPDATE events SET record_hash = ?, prev_hash = ?, hash = ? WHERE seq = ?", recordHash, prev, hash, e.seq);
    latest.set(e.run_id, { prev, hash });
    prev = hash;
  }
  for (const [id, { prev: p, hash }] of latest) {
    sql.exec("UPDATE runs SET record = json_set(record, '$.prevHash', ?, '$.evidenceHash', ?) WHERE id = ?", p, hash, id);
  }
}

export type LinkInput = { seq: number; runId: string; status: string; at: number; recordHash: string; prevHash: string | null };

/** The pre-upgrade link: SHA-256 with no key, which anyone with storage access can recompute. */
export const unkeyed = (e: LinkInput): Promise<string> => evidenceHash(e.prevHash, { runId: e.runId, status: e.status, at: e.at, recordHash: e.recordHash });

/** The keyed link, under a key of the attacker's choosing. */
export const keyedWith =
  (key: HmacSha256Key) =>
  async (e: LinkInput, row: RowBinding): Promise<string> =>
    keyedHash(key, e, row);

/**
 * Writes `count` rejected Runs the way the ledger did before the upgrade (unkeyed chain, no anchor),
 * straight into storage, and returns their ids.
 */
export async function writeLegacy(org: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  await inLedger(org, async (sql) => {
    let prev: string | null = null;
    for (let i = 0; i < count; i++) {
      const { run } = await newRun("rejected", i);
      const body = { ...run, id: `run_legacy${String(i).padStart(8, "0")}` };
      const recordHash = await hashValue(body);
      const link = { seq: i + 1, runId: body.id, status: body.status, at: body.createdAt, recordHash, prevHash: prev };
      const hash = await unkeyed(link);
      const record = JSON.stringify({ ...body, prevHash: prev, evidenceHash: hash });
      sql.exec(
        "INSERT INTO runs (id, seq, status, address, user_id, created_at, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
        body.id, i + 1, body.status, body.address, body.principal.userId, body.createdAt, record,
      );
      sql.exec("INSERT INTO events (seq, run_id, status, at, record_hash, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)", i + 1, body.id, body.status, body.createdAt, recordHash, prev, hash);
      ids.push(body.id);
      prev = hash;
    }
  });
  return ids;
}
