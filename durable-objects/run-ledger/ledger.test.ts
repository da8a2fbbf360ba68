import { describe, expect, it } from "vitest";
import { INLINE_OUTPUT_CHARS } from "./ledger";
import { fill, inLedger, ledger, newRun } from "./fixtures";

describe("RunLedger", () => {
  it("chains every state change and verifies the chain", async () => {
    const l = ledger("org_chain");
    const first = await l.record(await newRun("running", 1, {}));
    const second = await l.record(await newRun("pending_approval", 2, { a: 1 }));
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.value.run.prevHash).toBe(first.value.run.evidenceHash);
    const done = await l.transition(first.value.run.id, { status: "succeeded", output: { kind: "inline", value: 1 } }, ["running"]);
    expect(done.ok && done.value.prevHash).toBe(second.value.run.evidenceHash);
    expect(await l.verify()).toMatchObject({ ok: true, events: 3, unanchored: 0, legacyEvents: 0, anchor: { seq: 3 } });
  });

  it("refuses to keep arguments that do not match the Run's inputHash", async () => {
    const l = ledger("org_args");
    const input = await newRun("pending_approval", 1, { a: 1 });
    const swapped = await l.record({ ...input, args: { a: 2 } });
    expect(swapped.ok ? null : swapped.error.code).toBe("invalid_input");
    expect((await l.list({ limit: 10 })).ok && (await l.verify()).events).toBe(0);
  });

  it("refuses transitions the state machine does not allow, and a second approval", async () => {
    const l = ledger("org_states");
    const pending = await l.record(await newRun("pending_approval", 1, {}));
    if (!pending.ok) throw new Error("record failed");
    const id = pending.value.run.id;
    const skip = await l.transition(id, { status: "running" }, ["pending_approval"]);
    expect(skip.ok ? null : skip.error.code).toBe("conflict");
    const [a, b] = await Promise.all([
      l.transition(id, { status: "queued" }, ["pending_approval"]),
      l.transition(id, { status: "queued" }, ["pending_approval"]),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
  });

  it("returns the first Run for a repeated idempotency key instead of recording another", async () => {
    const l = ledger("org_idem");
    const a = await l.record(await newRun("running", 1, {}, "user:k1"));
    const b = await l.record(await newRun("running", 2, {}, "user:k1"));
    expect(a.ok && b.ok && b.value.replayed && b.value.run.id === a.value.run.id).toBe(true);
    const list = await l.list({ limit: 10 });
    expect(list.ok && list.value.runs.length).toBe(1);
  });

  it("pages through Runs newest first with a cursor and filters", async () => {
    const l = ledger("org_pages");
    for (let i = 0; i < 5; i++) await l.record(await newRun(i % 2 ? "rejected" : "running", i));
    const page1 = await l.list({ limit: 2 });
    if (!page1.ok) throw new Error("list failed");
    expect(page1.value.runs.map((r) => r.address)).toEqual(["pets.org_test.work.tool4", "pets.org_test.work.tool3"]);
    const page2 = await l.list({ limit: 2, before: page1.value.nextCursor ?? 0 });
    expect(page2.ok && page2.value.runs.map((r) => r.address)).toEqual(["pets.org_test.work.tool2", "pets.org_test.work.tool1"]);
    const rejected = await l.list({ limit: 10, status: "rejected" });
    expect(rejected.ok && rejected.value.runs.length).toBe(2);
  });

  it("reports the first broken link when a stored Run is edited", async () => {
    const l = ledger("org_tamper");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await l.record(await newRun("rejected", i));
      if (r.ok) ids.push(r.value.run.id);
    }
    expect((await l.verify()).ok).toBe(true);
    // Rewrite history: the second Run claims a different tool.
    await inLedger("org_tamper", (sql) => {
      sql.exec("UPDATE runs SET record = json_set(record, '$.address', 'pets.org_test.work.other') WHERE id = ?", ids[1]);
    });
    expect(await l.verify()).toMatchObject({ ok: false, code: "record_changed", brokenAt: { runId: ids[1] } });
  });

  it("reports a broken chain when an event is deleted", async () => {
    const l = ledger("org_drop");
    for (let i = 0; i < 3; i++) await l.record(await newRun("rejected", i));
    await inLedger("org_drop", (sql) => {
      sql.exec("DELETE FROM events WHERE seq = 2");
    });
    expect(await l.verify()).toMatchObject({ ok: false, code: "broken_link", brokenAt: { seq: 2 } });
  });
});

// Every stored column of a Run row, an event or a stored output, changed the way someone with the
// SQLite file could change it. Each case gets its own org (storage is shared within a test file).
const EDITS: { what: string; code: string; sql: string }[] = [
  { what: "a record field", code: "record_changed", sql: "UPDATE runs SET record = json_set(record, '$.policyVersion', 'v0') WHERE seq = 2" },
  { what: "a record's evidence hash", code: "record_changed", sql: "UPDATE runs SET record = json_set(record, '$.evidenceHash', '" + "c".repeat(64) + "') WHERE seq = 2" },
  { what: "a record's previous hash", code: "record_changed", sql: "UPDATE runs SET record = json_set(record, '$.prevHash', NULL) WHERE seq = 2" },
  { what: "the status column", code: "record_changed", sql: "UPDATE runs SET status = 'failed' WHERE seq = 2" },
  { what: "the address column", code: "record_changed", sql: "UPDATE runs SET address = 'pets.org_test.work.other' WHERE seq = 2" },
  { what: "the user column", code: "record_changed", sql: "UPDATE runs SET user_id = 'user_bbbbbbbbbb' WHERE seq = 2" },
  { what: "the created_at column", code: "record_changed", sql: "UPDATE runs SET created_at = 5 WHERE seq = 2" },
  { what: "the Run order (seq column)", code: "broken_link", sql: "UPDATE runs SET seq = 9 WHERE seq = 2" },
  { what: "the stored arguments", code: "record_changed", sql: "UPDATE runs SET input = json('{\"i\":99}') WHERE seq = 2" },
  { what: "whether arguments are stored", code: "broken_link", sql: "UPDATE runs SET input = NULL WHERE seq = 2" },
  { what: "the idempotency key", code: "broken_link", sql: "UPDATE runs SET idempotency_key = 'key-other' WHERE seq = 2" },
  { what: "an event's status", code: "broken_link", sql: "UPDATE events SET status = 'failed' WHERE seq = 3" },
  { what: "an event's time", code: "broken_link", sql: "UPDATE events SET at = at + 1 WHERE seq = 3" },
  { what: "an event's record hash", code: "broken_link", sql: "UPDATE events SET record_hash = '" + "d".repeat(64) + "' WHERE seq = 3" },
  { what: "an event's Run", code: "broken_link", sql: "UPDATE events SET run_id = (SELECT run_id FROM events WHERE seq = 1) WHERE seq = 3" },
  { what: "an event's hash", code: "broken_link", sql: "UPDATE events SET hash = '" + "e".repeat(64) + "' WHERE seq = 3" },
  { what: "an event's previous hash", code: "broken_link", sql: "UPDATE events SET prev_hash = NULL WHERE seq = 3" },
  { what: "the order of two events", code: "broken_link", sql: "UPDATE events SET seq = -3 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = 4; UPDATE events SET seq = 4 WHERE seq = -3" },
  { what: "a Run row nobody recorded", code: "run_unchained", sql: "INSERT INTO runs (id, seq, status, address, user_id, created_at, record) SELECT 'run_forged0000', 99, status, address, user_id, created_at, record FROM runs WHERE seq = 1" },
];

describe("verify() detects an edit of any stored column", () => {
  for (const [i, edit] of EDITS.entries()) {
    it(`detects a change of ${edit.what} (${edit.code})`, async () => {
      const org = `org_edit${i}`;
      await fill(org, 3);
      expect((await ledger(org).verify()).ok).toBe(true);
      await inLedger(org, (sql) => void sql.exec(edit.sql));
      expect(await ledger(org).verify()).toMatchObject({ ok: false, code: edit.code });
    });
  }

  it("detects a changed chunk of a large output stored beside its Run (output_changed)", async () => {
    const l = ledger("org_edit_output");
    const started = await l.record(await newRun("running", 1, {}));
    if (!started.ok) throw new Error("record failed");
    const done = await l.complete(started.value.run.id, "x".repeat(INLINE_OUTPUT_CHARS + 10));
    expect(done.ok && done.value.output?.kind).toBe("handle");
    expect((await l.verify()).ok).toBe(true);
    await inLedger("org_edit_output", (sql) => void sql.exec("UPDATE outputs SET chunk = replace(chunk, 'xxx', 'xyx') WHERE idx = 0"));
    expect(await l.verify()).toMatchObject({ ok: false, code: "output_changed", brokenAt: { runId: started.value.run.id } });
  });
});
