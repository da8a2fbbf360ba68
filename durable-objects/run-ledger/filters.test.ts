import { describe, expect, it } from "vitest";
import type { Run } from "../../schemas";
import type { RunInput } from "./fixtures";
import { ledger, newRun } from "./fixtures";

/** A Run made by code: surface `sandbox`, with its parent named. */
async function childOf(parentRunId: string, n: number): Promise<RunInput> {
  const input = await newRun("running", n);
  return { ...input, run: { ...input.run, surface: "sandbox", parentRunId } };
}

async function recorded(org: string, input: RunInput): Promise<Run> {
  const result = await ledger(org).record(input);
  if (!result.ok) throw new Error(`record failed: ${result.error.message}`);
  return result.value.run;
}

const ids = (result: Awaited<ReturnType<ReturnType<typeof ledger>["list"]>>): string[] => {
  if (!result.ok) throw new Error(`list failed: ${result.error.message}`);
  return result.value.runs.map((r) => r.id);
};

describe("RunLedger list filters for the Runs pages", () => {
  it("lists exactly a Run's children, newest first, paged with the cursor", async () => {
    const org = "org_children";
    const first = await recorded(org, await newRun("running", 1));
    const a = await recorded(org, await childOf(first.id, 2));
    const second = await recorded(org, await newRun("running", 3));
    const b = await recorded(org, await childOf(second.id, 4));
    const c = await recorded(org, await childOf(first.id, 5));
    const l = ledger(org);
    expect(ids(await l.list({ parentRunId: first.id, limit: 10 }))).toEqual([c.id, a.id]);
    expect(ids(await l.list({ parentRunId: second.id, limit: 10 }))).toEqual([b.id]);
    // A Run with no children, and a parent the ledger does not hold, have none.
    expect(ids(await l.list({ parentRunId: c.id, limit: 10 }))).toEqual([]);
    expect(ids(await l.list({ parentRunId: "run_00000000nothere", limit: 10 }))).toEqual([]);
    const page = await l.list({ parentRunId: first.id, limit: 1 });
    expect(ids(page)).toEqual([c.id]);
    const cursor = page.ok ? page.value.nextCursor : null;
    expect(cursor).not.toBeNull();
    expect(ids(await l.list({ parentRunId: first.id, limit: 1, before: cursor ?? 0 }))).toEqual([a.id]);
  });

  it("filters by surface, alone and with the other filters", async () => {
    const org = "org_surface";
    const parent = await recorded(org, await newRun("running", 1));
    const child = await recorded(org, await childOf(parent.id, 2));
    const rejected = await recorded(org, await newRun("rejected", 3));
    const l = ledger(org);
    expect(ids(await l.list({ surface: "sandbox", limit: 10 }))).toEqual([child.id]);
    expect(ids(await l.list({ surface: "http", limit: 10 }))).toEqual([rejected.id, parent.id]);
    expect(ids(await l.list({ surface: "http", status: "rejected", limit: 10 }))).toEqual([rejected.id]);
    expect(ids(await l.list({ surface: "mcp", limit: 10 }))).toEqual([]);
  });

  it("refuses a surface or parent that is not one", async () => {
    const l = ledger("org_bad_filters");
    const surface = await l.list({ surface: "telepathy", limit: 10 });
    expect(surface.ok ? null : surface.error.code).toBe("invalid_input");
    const parent = await l.list({ parentRunId: "x' OR 1=1 --", limit: 10 });
    expect(parent.ok ? null : parent.error.code).toBe("invalid_input");
  });
});
