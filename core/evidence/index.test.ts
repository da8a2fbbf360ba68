import { describe, it, expect } from "vitest";
import { evidenceHash, hashValue, hashValueSync, sha256Hex, verifyChain, type ChainLink } from "./index";

async function buildChain(records: readonly object[]): Promise<ChainLink[]> {
  const links: ChainLink[] = [];
  let prevHash: string | null = null;
  for (const record of records) {
    const hash = await evidenceHash(prevHash, record);
    links.push({ record, prevHash, evidenceHash: hash });
    prevHash = hash;
  }
  return links;
}

const RECORDS = [
  { id: "run_00000001", address: "github.org_acme.work.repos/get", status: "succeeded" },
  { id: "run_00000002", address: "github.org_acme.work.repos/delete", status: "pending_approval" },
  { id: "run_00000003", address: "slack.org_acme.work.chat.post", status: "failed", error: { code: "x" } },
  { id: "run_00000004", address: "slack.user_bob.work.files.read", status: "succeeded" },
];

describe("sha256Hex", () => {
  it("matches the FIPS 180-2 test vectors", async () => {
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("hashes the UTF-8 encoding of the text", async () => {
    // U+20AC is the three bytes e2 82 ac in UTF-8 (vector computed independently with Python hashlib).
    expect(await sha256Hex("\u20ac")).toBe("c4cc90ed3d26f12d4b08a75140970a7904035c31cbb4515a83f19b9003c00d1d");
  });
});

describe("hashValue", () => {
  it("gives the same hash whatever the key order", async () => {
    expect(await hashValue({ a: 1, b: { c: [1, 2], d: null } })).toBe(await hashValue({ b: { d: null, c: [1, 2] }, a: 1 }));
  });

  it("is the SHA-256 of the canonical JSON", async () => {
    expect(await hashValue({ b: 2, a: 1 })).toBe(await sha256Hex('{"a":1,"b":2}'));
  });

  it("has a synchronous form with the same result", async () => {
    const value = { b: "ü\u2028😀", a: [1, 2.5, null, { z: true }] };
    expect(hashValueSync(value)).toBe(await hashValue(value));
  });
});

describe("evidence chain", () => {
  it("hashes a record together with the previous hash", async () => {
    const record = { id: "run_1" };
    expect(await evidenceHash(null, record)).toBe(await sha256Hex('{"prev":null,"record":{"id":"run_1"}}'));
    expect(await evidenceHash("ab", record)).not.toBe(await evidenceHash(null, record));
  });

  it("verifies an untouched chain, anchored at the ledger's start", async () => {
    const links = await buildChain(RECORDS);
    expect(await verifyChain(links, { anchor: null })).toEqual({ ok: true });
    expect(await verifyChain([])).toEqual({ ok: true });
  });

  it("breaks at exactly the index whose record was tampered with", async () => {
    for (let i = 0; i < RECORDS.length; i++) {
      const links = await buildChain(RECORDS);
      const tampered = links.map((link, j) => (j === i ? { ...link, record: { ...link.record, status: "x" } } : link));
      const result = await verifyChain(tampered, { anchor: null });
      expect(result).toMatchObject({ ok: false, brokenAt: i, code: "evidence_hash_mismatch" });
    }
  });

  it("breaks at the index whose stored hash or previous hash was altered", async () => {
    const links = await buildChain(RECORDS);
    const badHash = links.map((l, j) => (j === 2 ? { ...l, evidenceHash: "0".repeat(64) } : l));
    expect(await verifyChain(badHash)).toMatchObject({ ok: false, brokenAt: 2 });
    const badPrev = links.map((l, j) => (j === 1 ? { ...l, prevHash: "0".repeat(64) } : l));
    expect(await verifyChain(badPrev)).toMatchObject({ ok: false, brokenAt: 1, code: "prev_hash_mismatch" });
  });

  it("catches a record rewritten together with its own hash at the next link", async () => {
    const links = await buildChain(RECORDS);
    const forged = { ...links[1]!.record, status: "succeeded" };
    const rewritten = links.map((l, j) => (j === 1 ? { ...l, record: forged } : l));
    rewritten[1] = { ...rewritten[1]!, evidenceHash: await evidenceHash(rewritten[1]!.prevHash, forged) };
    expect(await verifyChain(rewritten)).toMatchObject({ ok: false, brokenAt: 2, code: "prev_hash_mismatch" });
  });

  it("detects a dropped or reordered record", async () => {
    const links = await buildChain(RECORDS);
    expect(await verifyChain([links[0]!, links[2]!, links[3]!])).toMatchObject({ ok: false, brokenAt: 1 });
    expect(await verifyChain([links[1]!, links[0]!], { anchor: null })).toMatchObject({ ok: false, brokenAt: 0 });
  });

  it("checks the first link against an anchor only when one is given", async () => {
    const tail = (await buildChain(RECORDS)).slice(2);
    expect(await verifyChain(tail)).toEqual({ ok: true });
    expect(await verifyChain(tail, { anchor: null })).toMatchObject({ ok: false, brokenAt: 0, code: "prev_hash_mismatch" });
  });

  it("reports a record that cannot be canonicalized as a break, not a crash", async () => {
    const links = await buildChain(RECORDS);
    const broken = links.map((l, j) => (j === 3 ? { ...l, record: { n: Number.NaN } } : l));
    expect(await verifyChain(broken)).toMatchObject({ ok: false, brokenAt: 3, code: "not_canonicalizable" });
  });
});
