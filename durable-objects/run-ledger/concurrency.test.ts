import { describe, expect, it } from "vitest";
import { ledger, newRun } from "./fixtures";

// Issue 13, item 6: nothing is lost under load. Calls of one org arrive at its ledger concurrently;
// each is two appends (recorded running, then completed). After N such calls the ledger holds exactly
// N Runs, 2N events in one unbroken chain, and verifies against its anchor.

async function call(org: string, n: number): Promise<string> {
  const l = ledger(org);
  const recorded = await l.record(await newRun("running", n, { n }, `key-${n}`));
  if (!recorded.ok) throw new Error(`record failed: ${recorded.error.message}`);
  const done = await l.complete(recorded.value.run.id, { n });
  if (!done.ok) throw new Error(`complete failed: ${done.error.message}`);
  return recorded.value.run.id;
}

/** `total` calls, `concurrency` at a time. */
async function load(org: string, total: number, concurrency: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  let next = from;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < from + total) ids.push(await call(org, next++));
    }),
  );
  return ids;
}

async function allRuns(org: string): Promise<string[]> {
  const ids: string[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await ledger(org).list({ limit: 200, ...(before !== undefined ? { before } : {}) });
    if (!page.ok) throw new Error(page.error.message);
    ids.push(...page.value.runs.map((r) => r.id));
    if (page.value.nextCursor === null) return ids;
    before = page.value.nextCursor;
  }
}

describe("RunLedger under concurrent calls", () => {
  it("holds exactly N Runs after N concurrent calls, in one chain that verifies", async () => {
    const org = "org_concurrent";
    const N = 300;
    const started = performance.now();
    const ids = await load(org, N, 16);
    const wall = performance.now() - started;
    console.log(`run ledger alone: ${N} calls (${2 * N} appends) at concurrency 16 in ${wall.toFixed(0)} ms: ${((N / wall) * 1000).toFixed(0)} calls/s`);
    expect(new Set(ids).size).toBe(N);
    const stored = await allRuns(org);
    expect(stored.length).toBe(N);
    expect(new Set(stored)).toEqual(new Set(ids));
    const done = await ledger(org).list({ limit: 200, status: "succeeded" });
    expect(done.ok && done.value.nextCursor !== null).toBe(true);
    expect(await ledger(org).verify()).toMatchObject({ ok: true, events: 2 * N, unanchored: 0, legacyEvents: 0, anchor: { seq: 2 * N } });
  });

  it("replays a concurrently repeated idempotency key instead of recording a second Run", async () => {
    const org = "org_concurrent_idem";
    const input = await newRun("running", 1, { n: 1 }, "same-key");
    const results = await Promise.all(Array.from({ length: 16 }, () => ledger(org).record(input)));
    const runs = results.map((r) => (r.ok ? r.value : null));
    expect(new Set(runs.map((r) => r?.run.id)).size).toBe(1);
    expect(runs.filter((r) => r && !r.replayed).length).toBe(1);
    expect(await ledger(org).verify()).toMatchObject({ ok: true, events: 1 });
  });

  it("seals a fresh ledger once when its first appends arrive together", async () => {
    const org = "org_concurrent_seal";
    const ids = await load(org, 32, 32);
    expect(ids.length).toBe(32);
    expect(await ledger(org).verify()).toMatchObject({ ok: true, events: 64, legacyEvents: 0 });
  });
});
