import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { RunLedger } from "./index";
import type { RunLedgerApi } from "./client";

const ns = (): DurableObjectNamespace<RunLedger> => env.RUN_LEDGER;
const ledger = (org: string): RunLedgerApi => ns().get(ns().idFromName(org)) as unknown as RunLedgerApi;

function newRun(status: "running" | "pending_approval" | "rejected", n: number) {
  return {
    parentRunId: null,
    surface: "http",
    principal: { kind: "api_key", credentialId: "key_test", userId: "user_aaaaaaaaaa" },
    scopeChain: ["org_test", "user_aaaaaaaaaa"],
    capabilities: [],
    address: `pets.org_test.work.tool${n}`,
    toolHash: "a".repeat(64),
    artifactVersion: null,
    admission: { outcome: "admit", reason: { code: "allowed_by_default", message: "ok" }, rule: null, decidingScope: "org_test" },
    policyVersion: "v1",
    inputHash: "b".repeat(64),
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
  };
}

describe("RunLedger", () => {
  it("chains every state change and verifies the chain", async () => {
    const l = ledger("org_chain");
    const first = await l.record({ run: newRun("running", 1), args: {}, idempotencyKey: null });
    const second = await l.record({ run: newRun("pending_approval", 2), args: { a: 1 }, idempotencyKey: null });
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.value.run.prevHash).toBe(first.value.run.evidenceHash);
    const done = await l.transition(first.value.run.id, { status: "succeeded", output: { kind: "inline", value: 1 } }, ["running"]);
    expect(done.ok && done.value.prevHash).toBe(second.value.run.evidenceHash);
    expect(await l.verify()).toMatchObject({ ok: true, events: 3 });
  });

  it("refuses transitions the state machine does not allow, and a second approval", async () => {
    const l = ledger("org_states");
    const pending = await l.record({ run: newRun("pending_approval", 1), args: {}, idempotencyKey: null });
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
    const a = await l.record({ run: newRun("running", 1), args: {}, idempotencyKey: "user:k1" });
    const b = await l.record({ run: newRun("running", 2), args: {}, idempotencyKey: "user:k1" });
    expect(a.ok && b.ok && b.value.replayed && b.value.run.id === a.value.run.id).toBe(true);
    const list = await l.list({ limit: 10 });
    expect(list.ok && list.value.runs.length).toBe(1);
  });

  it("pages through Runs newest first with a cursor and filters", async () => {
    const l = ledger("org_pages");
    for (let i = 0; i < 5; i++) await l.record({ run: newRun(i % 2 ? "rejected" : "running", i), args: null, idempotencyKey: null });
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
      const r = await l.record({ run: newRun("rejected", i), args: null, idempotencyKey: null });
      if (r.ok) ids.push(r.value.run.id);
    }
    expect((await l.verify()).ok).toBe(true);
    const stub = ns().get(ns().idFromName("org_tamper"));
    await runInDurableObject(stub, (_instance, state) => {
      // Rewrite history: the second Run claims a different tool.
      state.storage.sql.exec(
        "UPDATE runs SET record = json_set(record, '$.address', 'pets.org_test.work.other') WHERE id = ?",
        ids[1],
      );
    });
    const verdict = await l.verify();
    expect(verdict).toMatchObject({ ok: false, brokenAt: { runId: ids[1] } });
  });

  it("reports a broken chain when an event is deleted", async () => {
    const l = ledger("org_drop");
    for (let i = 0; i < 3; i++) await l.record({ run: newRun("rejected", i), args: null, idempotencyKey: null });
    const stub = ns().get(ns().idFromName("org_drop"));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("DELETE FROM events WHERE seq = 2");
    });
    const verdict = await l.verify();
    expect(verdict.ok).toBe(false);
  });
});
