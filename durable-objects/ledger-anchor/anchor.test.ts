import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { LedgerCheckpoint } from "../../schemas";
import { anchorKey, signCheckpoint } from "./checkpoint";
import { ledgerAnchor } from "./client";

const anchor = (org: string) => ledgerAnchor(env.LEDGER_ANCHOR, org);
const H = (c: string): string => c.repeat(64);

async function signed(org: string, seq: number, head: string | null, keyedFrom = 1, secret = env.VAULT_KEY, keyOrg = org): Promise<LedgerCheckpoint> {
  return signCheckpoint(await anchorKey(secret, keyOrg), { org, seq, head, keyedFrom, at: 1_000 + seq });
}

describe("LedgerAnchor", () => {
  it("keeps a signed checkpoint and moves it forward from the one the ledger saw", async () => {
    const a = anchor("org_cas");
    expect(await a.read()).toBeNull();
    const first = await signed("org_cas", 0, null);
    expect(await a.advance(null, first)).toEqual({ ok: true, value: first });
    const second = await signed("org_cas", 4, H("a"));
    expect((await a.advance({ seq: 0, head: null }, second)).ok).toBe(true);
    expect(await a.read()).toEqual(second);
  });

  it("refuses to advance from a checkpoint it does not hold (compare-and-swap)", async () => {
    const a = anchor("org_cas_stale");
    await a.advance(null, await signed("org_cas_stale", 2, H("a")));
    const stale = await a.advance(null, await signed("org_cas_stale", 5, H("b")));
    const wrongHead = await a.advance({ seq: 2, head: H("f") }, await signed("org_cas_stale", 5, H("b")));
    expect([stale, wrongHead].map((r) => (r.ok ? null : r.error.code))).toEqual(["conflict", "conflict"]);
    expect((await a.read())?.seq).toBe(2);
  });

  it("never goes backwards, never forks at the same seq, never moves where the keyed chain starts", async () => {
    const a = anchor("org_cas_forward");
    await a.advance(null, await signed("org_cas_forward", 6, H("a"), 3));
    const seen = { seq: 6, head: H("a") };
    const refused = await Promise.all([
      a.advance(seen, await signed("org_cas_forward", 5, H("b"), 3)),
      a.advance(seen, await signed("org_cas_forward", 6, H("c"), 3)),
      a.advance(seen, await signed("org_cas_forward", 9, H("d"), 1)),
    ]);
    expect(refused.map((r) => (r.ok ? null : r.error.code))).toEqual(["conflict", "conflict", "conflict"]);
    expect((await a.read())?.head).toBe(H("a"));
  });

  it("refuses a checkpoint signed with another org's key or another VAULT_KEY, or meant for another org", async () => {
    const a = anchor("org_cas_keys");
    const otherOrg = await signed("org_cas_keys", 1, H("a"), 1, env.VAULT_KEY, "org_elsewhere");
    const otherVault = await signed("org_cas_keys", 1, H("a"), 1, btoa("x".repeat(32)));
    const forOther = await signed("org_elsewhere", 1, H("a"));
    const results = [await a.advance(null, otherOrg), await a.advance(null, otherVault), await a.advance(null, forOther)];
    expect(results.map((r) => (r.ok ? null : r.error.code))).toEqual(["forbidden", "forbidden", "wrong_scope"]);
    const edited = { ...(await signed("org_cas_keys", 1, H("a"))), seq: 2 };
    expect((await a.advance(null, edited)).ok).toBe(false);
    expect(await a.read()).toBeNull();
  });

  it("validates its arguments at the RPC boundary", async () => {
    const a = anchor("org_cas_input");
    const noHead = { ...(await signed("org_cas_input", 3, H("a"))), head: null };
    const results = [await a.advance(null, { seq: "1" }), await a.advance("nope", await signed("org_cas_input", 1, H("a"))), await a.advance(null, noHead)];
    expect(results.map((r) => (r.ok ? null : r.error.code))).toEqual(["invalid_input", "invalid_input", "invalid_input"]);
  });
});
