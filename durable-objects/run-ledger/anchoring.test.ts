import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { describe, expect, it } from "vitest";
import type { LedgerCheckpoint, Result } from "../../schemas";
import { ok } from "../../schemas";
import type { LedgerAnchorApi } from "../ledger-anchor/client";
import { anchorKey } from "../ledger-anchor/checkpoint";
import { Anchoring } from "./anchoring";
import { ledgerKey } from "./chain";
import { newRun } from "./fixtures";
import { recordRun } from "./ledger";

/** An anchor whose reads answer only when the test says so, to force one interleaving. */
function heldAnchor() {
  const held: ((value: LedgerCheckpoint | null) => void)[] = [];
  const advanced: { expected: unknown; next: LedgerCheckpoint }[] = [];
  let stored: LedgerCheckpoint | null = null;
  let hold = false;
  const api = {
    read: () => (hold ? new Promise<LedgerCheckpoint | null>((resolve) => held.push(resolve)) : Promise.resolve(stored)),
    advance: async (expected: unknown, next: unknown): Promise<Result<LedgerCheckpoint>> => {
      stored = next as LedgerCheckpoint;
      advanced.push({ expected, next: stored });
      return ok(stored);
    },
  } as unknown as LedgerAnchorApi;
  return { api, advanced, holdReads: (on: boolean) => void (hold = on), release: (value: LedgerCheckpoint | null) => held.shift()?.(value) };
}

describe("Anchoring", () => {
  it("does not let a read that was in flight during the seal overwrite the seal (and then refuse to advance)", async () => {
    const ns = env.RUN_LEDGER;
    await runInDurableObject(ns.get(ns.idFromName("org_anchoring_race")), async (_instance, state) => {
      const db = drizzle(state.storage, { logger: false });
      const org = "org_anchoring_race";
      const linkKey = await ledgerKey(env.VAULT_KEY, org);
      const anchor = heldAnchor();
      const anchoring = new Anchoring({ db, org, linkKey: async () => linkKey, anchorKey: () => anchorKey(env.VAULT_KEY, org), anchor: () => anchor.api });

      anchor.holdReads(true);
      const staleRead = anchoring.read(); // e.g. a verify, still waiting for the anchor's answer
      anchor.holdReads(false);
      expect((await anchoring.seal()).ok).toBe(true); // the first append seals: checkpoint at seq 0
      anchor.release(null); // the old read now answers "no checkpoint", from before the seal
      await staleRead;

      const input = await newRun("rejected", 1);
      expect((await recordRun(db, linkKey, input.run, null, null)).ok).toBe(true);
      await anchoring.flush();
      expect(anchor.advanced.map((a) => a.next.seq)).toEqual([0, 1]);
      expect(anchor.advanced[1]?.expected).toEqual({ seq: 0, head: null });
    });
  });
});
