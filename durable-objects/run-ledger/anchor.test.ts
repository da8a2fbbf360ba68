import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { anchorKey, signCheckpoint } from "../ledger-anchor/checkpoint";
import { ledgerKey } from "./chain";
import { anchorOf, fill, inAnchor, inLedger, keyedWith, ledger, newRun, rechain, unkeyed } from "./fixtures";

// Finding 13: the chain was unkeyed and anchored nowhere, so anyone who could write a ledger's storage
// could rewrite it from any point, or cut its tail, and verify() still said ok. Each test below is one
// such attack; before the fix every one of them verified (see the report), now each is detected.

const OTHER_VAULT_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

/** Deletes the newest `count` Runs and every event that recorded them. */
const truncateRuns = (count: number) => (sql: SqlStorage) => {
  sql.exec("DELETE FROM events WHERE run_id IN (SELECT id FROM runs ORDER BY seq DESC LIMIT ?)", count);
  sql.exec("DELETE FROM runs WHERE id IN (SELECT id FROM runs ORDER BY seq DESC LIMIT ?)", count);
};

describe("an untampered ledger", () => {
  it("verifies, anchored at its head, with nothing left unanchored", async () => {
    await fill("org_fresh", 3);
    expect(await ledger("org_fresh").verify()).toMatchObject({ ok: true, events: 6, anchor: { seq: 6 }, unanchored: 0, legacyEvents: 0 });
  });

  it("verifies when it has never recorded anything", async () => {
    expect(await ledger("org_never").verify()).toEqual({ ok: true, events: 0, head: null, anchor: null, unanchored: 0, legacyEvents: 0 });
  });

  it("anchors a burst of concurrent appends as one consistent chain", async () => {
    const inputs = await Promise.all(Array.from({ length: 40 }, (_, i) => newRun("rejected", i)));
    const results = await Promise.all(inputs.map((input) => ledger("org_burst").record(input)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await ledger("org_burst").verify()).toMatchObject({ ok: true, events: 40, anchor: { seq: 40 }, unanchored: 0 });
  });

  it("is checkpointed after appends without anyone asking, signed for its org", async () => {
    await fill("org_follow", 2);
    await vi.waitFor(async () => expect((await anchorOf("org_follow").read())?.seq).toBe(4), { timeout: 5_000, interval: 20 });
    const checkpoint = await anchorOf("org_follow").read();
    expect(checkpoint).toMatchObject({ org: "org_follow", seq: 4, keyedFrom: 1 });
  });
});

describe("rewriting history with storage access but not the Worker secret", () => {
  it("detects a record rewritten with the whole chain recomputed by the old unkeyed hash", async () => {
    await fill("org_unkeyed", 3);
    await inLedger("org_unkeyed", async (sql) => {
      sql.exec("UPDATE runs SET record = json_set(record, '$.address', 'pets.org_test.work.forged') WHERE seq = 2");
      await rechain(sql, unkeyed);
    });
    expect(await ledger("org_unkeyed").verify()).toMatchObject({ ok: false, code: "broken_link", brokenAt: { seq: 1 } });
  });

  it("detects a chain recomputed with the keyed hash under another org's key", async () => {
    await fill("org_keyed_other", 3);
    const key = await ledgerKey(env.VAULT_KEY, "org_somebody_else");
    await inLedger("org_keyed_other", async (sql) => {
      sql.exec("UPDATE runs SET record = json_set(record, '$.address', 'pets.org_test.work.forged') WHERE seq = 3");
      await rechain(sql, keyedWith(key));
    });
    expect(await ledger("org_keyed_other").verify()).toMatchObject({ ok: false, code: "broken_link", brokenAt: { seq: 1 } });
  });

  it("detects a chain recomputed with the keyed hash under another deployment's VAULT_KEY", async () => {
    await fill("org_keyed_vault", 3);
    const key = await ledgerKey(OTHER_VAULT_KEY, "org_keyed_vault");
    await inLedger("org_keyed_vault", (sql) => rechain(sql, keyedWith(key)));
    expect(await ledger("org_keyed_vault").verify()).toMatchObject({ ok: false, code: "broken_link", brokenAt: { seq: 1 } });
  });

  it("detects another org's ledger copied into this org's storage", async () => {
    await fill("org_copy_src", 2);
    const copied: { runs: Record<string, SqlStorageValue>[]; events: Record<string, SqlStorageValue>[] } = { runs: [], events: [] };
    await inLedger("org_copy_src", (sql) => {
      copied.runs = sql.exec("SELECT * FROM runs").toArray();
      copied.events = sql.exec("SELECT * FROM events").toArray();
    });
    await fill("org_copy_dst", 1);
    await inLedger("org_copy_dst", (sql) => {
      sql.exec("DELETE FROM runs; DELETE FROM events");
      for (const r of copied.runs) sql.exec(`INSERT INTO runs (${Object.keys(r).join(", ")}) VALUES (${Object.keys(r).map(() => "?").join(", ")})`, ...Object.values(r));
      for (const e of copied.events) sql.exec(`INSERT INTO events (${Object.keys(e).join(", ")}) VALUES (${Object.keys(e).map(() => "?").join(", ")})`, ...Object.values(e));
    });
    expect(await ledger("org_copy_dst").verify()).toMatchObject({ ok: false, code: "broken_link", brokenAt: { seq: 1 } });
  });
});

describe("removing the newest history", () => {
  it("detects the newest Runs and their events deleted, naming the first missing event", async () => {
    await fill("org_truncate", 4);
    expect((await ledger("org_truncate").verify()).ok).toBe(true);
    await inLedger("org_truncate", truncateRuns(2));
    expect(await ledger("org_truncate").verify()).toMatchObject({ ok: false, events: 4, code: "truncated", brokenAt: { seq: 5, runId: null } });
  });

  it("detects only the newest event deleted, its Run left in place", async () => {
    await fill("org_truncate_one", 2);
    expect((await ledger("org_truncate_one").verify()).ok).toBe(true);
    await inLedger("org_truncate_one", (sql) => void sql.exec("DELETE FROM events WHERE seq = 4"));
    expect(await ledger("org_truncate_one").verify()).toMatchObject({ ok: false, code: "truncated", brokenAt: { seq: 4 } });
  });

  it("detects a wiped ledger, even once it has been reopened empty", async () => {
    await fill("org_wipe", 2);
    expect((await ledger("org_wipe").verify()).ok).toBe(true);
    const ns = env.RUN_LEDGER;
    // As if its SQLite file were deleted: all storage gone, and the object starts again from nothing
    // (abort() resets the instance; workerd logs the abort as an uncaught exception, which is expected).
    await runInDurableObject(ns.get(ns.idFromName("org_wipe")), async (_instance, state) => {
      await state.storage.deleteAll();
      state.abort("wiped");
    }).catch(() => undefined);
    expect(await ledger("org_wipe").verify()).toMatchObject({ ok: false, events: 0, code: "truncated", brokenAt: { seq: 1 } });
  });

  it("detects a rollback followed by new calls, and never moves the anchor past it", async () => {
    await fill("org_rollback", 4);
    expect((await ledger("org_rollback").verify()).ok).toBe(true);
    const before = await anchorOf("org_rollback").read();
    await inLedger("org_rollback", truncateRuns(2));
    // The ledger carries on and grows past the anchored seq with events that are validly keyed.
    await fill("org_rollback", 3, "b");
    expect(await ledger("org_rollback").verify()).toMatchObject({ ok: false, events: 10, code: "diverged", brokenAt: { seq: 8 } });
    expect(await anchorOf("org_rollback").read()).toEqual(before);
  });
});

describe("tampering with the anchor", () => {
  it("reports an edited checkpoint as not authentic", async () => {
    await fill("org_anchor_edit", 2);
    expect((await ledger("org_anchor_edit").verify()).ok).toBe(true);
    await inAnchor("org_anchor_edit", (storage) => {
      const cp = storage.kv.get<{ seq: number }>("checkpoint");
      storage.kv.put("checkpoint", { ...cp, seq: 1 });
    });
    expect(await ledger("org_anchor_edit").verify()).toMatchObject({ ok: false, code: "anchor_invalid" });
  });

  it("reports another org's checkpoint copied into this org's anchor as not authentic", async () => {
    await fill("org_anchor_a", 2);
    await fill("org_anchor_b", 2);
    const other = await anchorOf("org_anchor_a").read();
    await inAnchor("org_anchor_b", (storage) => storage.kv.put("checkpoint", { ...other, org: "org_anchor_b" }));
    expect(await ledger("org_anchor_b").verify()).toMatchObject({ ok: false, code: "anchor_invalid" });
  });

  it("reports a lost checkpoint while the ledger holds keyed events, and does not re-anchor them", async () => {
    await fill("org_anchor_lost", 2);
    expect((await ledger("org_anchor_lost").verify()).ok).toBe(true);
    await inAnchor("org_anchor_lost", (storage) => void storage.kv.delete("checkpoint"));
    expect(await ledger("org_anchor_lost").verify()).toMatchObject({ ok: false, code: "anchor_missing", brokenAt: { seq: 1 } });
    expect((await ledger("org_anchor_lost").record(await newRun("rejected", 9))).ok).toBe(true);
    expect(await ledger("org_anchor_lost").verify()).toMatchObject({ ok: false, code: "anchor_missing" });
    expect(await anchorOf("org_anchor_lost").read()).toBeNull();
  });

  it("signs checkpoints with a key of their own, not the ledger's link key", async () => {
    await fill("org_anchor_keys", 1);
    const checkpoint = await anchorOf("org_anchor_keys").read();
    if (!checkpoint) throw new Error("no checkpoint");
    const [linkKey, ownKey] = await Promise.all([ledgerKey(env.VAULT_KEY, "org_anchor_keys"), anchorKey(env.VAULT_KEY, "org_anchor_keys")]);
    const { mac: _mac, ...body } = checkpoint;
    expect((await signCheckpoint(ownKey, body)).mac).toBe(checkpoint.mac);
    expect((await signCheckpoint(linkKey, body)).mac).not.toBe(checkpoint.mac);
  });
});
