import { describe, expect, it } from "vitest";
import { anchorOf, inLedger, ledger, newRun, rechain, unkeyed, writeLegacy } from "./fixtures";

// Ledgers written before the keyed chain (finding 13): their events carry the unkeyed hash. They
// still verify; the first append after the upgrade seals them into the anchor (keyedFrom), and from
// then on neither the legacy part nor the keyed part can be rewritten with the unkeyed hash.

describe("a ledger from before the keyed chain", () => {
  it("still verifies, reported as legacy and not yet anchored", async () => {
    await writeLegacy("org_legacy_plain", 3);
    expect(await ledger("org_legacy_plain").verify()).toMatchObject({ ok: true, events: 3, legacyEvents: 3, anchor: null, unanchored: 3 });
  });

  it("reports a legacy record edited before it was sealed at the Run that was changed", async () => {
    const ids = await writeLegacy("org_legacy_edit", 3);
    await inLedger("org_legacy_edit", (sql) => void sql.exec("UPDATE runs SET record = json_set(record, '$.address', 'x.y.z.w') WHERE seq = 2"));
    expect(await ledger("org_legacy_edit").verify()).toMatchObject({ ok: false, code: "record_changed", brokenAt: { seq: 2, runId: ids[1] } });
  });

  it("is sealed by its first append: the anchor says where the keyed chain starts, and it all verifies", async () => {
    await writeLegacy("org_legacy_seal", 3);
    const next = await ledger("org_legacy_seal").record(await newRun("rejected", 7));
    expect(next.ok).toBe(true);
    expect(await ledger("org_legacy_seal").verify()).toMatchObject({ ok: true, events: 4, legacyEvents: 3, anchor: { seq: 4 }, unanchored: 0 });
    expect(await anchorOf("org_legacy_seal").read()).toMatchObject({ keyedFrom: 4, seq: 4 });
  });

  it("keeps anchoring when a verify races the sealing append", async () => {
    await writeLegacy("org_legacy_race", 2);
    const [early, first] = await Promise.all([ledger("org_legacy_race").verify(), ledger("org_legacy_race").record(await newRun("rejected", 7))]);
    expect(early.ok && first.ok).toBe(true);
    for (let i = 0; i < 3; i++) await ledger("org_legacy_race").record(await newRun("rejected", 8 + i));
    expect(await ledger("org_legacy_race").verify()).toMatchObject({ ok: true, events: 6, legacyEvents: 2, anchor: { seq: 6 }, unanchored: 0 });
  });

  it("detects, once sealed, a legacy record rewritten with the whole chain recomputed by the unkeyed hash", async () => {
    await writeLegacy("org_legacy_rewrite", 3);
    await ledger("org_legacy_rewrite").record(await newRun("rejected", 7));
    expect((await ledger("org_legacy_rewrite").verify()).ok).toBe(true);
    await inLedger("org_legacy_rewrite", async (sql) => {
      sql.exec("UPDATE runs SET record = json_set(record, '$.address', 'x.y.z.w') WHERE seq = 1");
      await rechain(sql, unkeyed);
    });
    expect(await ledger("org_legacy_rewrite").verify()).toMatchObject({ ok: false, code: "broken_link", brokenAt: { seq: 4 } });
  });

  it("detects a downgrade: every keyed event rewritten with the unkeyed hash", async () => {
    await writeLegacy("org_legacy_downgrade", 2);
    for (let i = 0; i < 3; i++) await ledger("org_legacy_downgrade").record(await newRun("rejected", 10 + i));
    expect((await ledger("org_legacy_downgrade").verify()).ok).toBe(true);
    await inLedger("org_legacy_downgrade", (sql) => rechain(sql, unkeyed));
    expect(await ledger("org_legacy_downgrade").verify()).toMatchObject({ ok: false, code: "broken_link", brokenAt: { seq: 3 } });
  });

  it("detects, once sealed, its legacy events cut back below the seal", async () => {
    await writeLegacy("org_legacy_cut", 4);
    await ledger("org_legacy_cut").record(await newRun("rejected", 7));
    expect((await ledger("org_legacy_cut").verify()).ok).toBe(true);
    await inLedger("org_legacy_cut", (sql) => {
      sql.exec("DELETE FROM events WHERE seq > 2");
      sql.exec("DELETE FROM runs WHERE seq > 2");
    });
    expect(await ledger("org_legacy_cut").verify()).toMatchObject({ ok: false, code: "truncated", brokenAt: { seq: 3 } });
  });
});
