import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HmacSha256Key, hmacSha256, sha256, sha256HexSync, toHex } from "./sha256";

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, "hex"));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("sha256", () => {
  it("matches the FIPS 180-2 / NIST example vectors", () => {
    expect(sha256HexSync("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256HexSync("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256HexSync("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    expect(sha256HexSync("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")).toBe(
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
    );
    expect(sha256HexSync("a".repeat(1_000_000))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });

  it("agrees with node:crypto at every length around the block and padding boundaries, and on random input", () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(toHex(sha256(data))).toBe(createHash("sha256").update(data).digest("hex"));
    }
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 600 }), (s) => sha256HexSync(s) === createHash("sha256").update(s, "utf8").digest("hex")),
      { numRuns: 300 },
    );
  });
});

describe("hmacSha256 (RFC 4231 test vectors)", () => {
  const cases: Array<{ key: Uint8Array; data: Uint8Array; mac: string; bytes?: number }> = [
    { key: new Uint8Array(20).fill(0x0b), data: utf8("Hi There"), mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
    { key: utf8("Jefe"), data: utf8("what do ya want for nothing?"), mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
    { key: new Uint8Array(20).fill(0xaa), data: new Uint8Array(50).fill(0xdd), mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
    {
      key: hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
      data: new Uint8Array(50).fill(0xcd),
      mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    },
    // Test case 5: output truncated to 128 bits.
    { key: new Uint8Array(20).fill(0x0c), data: utf8("Test With Truncation"), mac: "a3b6167473100ee06e0c796c2955552b", bytes: 16 },
    {
      key: new Uint8Array(131).fill(0xaa),
      data: utf8("Test Using Larger Than Block-Size Key - Hash Key First"),
      mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    },
    {
      key: new Uint8Array(131).fill(0xaa),
      data: utf8("This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
      mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    },
  ];
  it.each(cases.map((c, i) => [i + 1, c] as const))("test case %i", (_, c) => {
    expect(toHex(hmacSha256(c.key, c.data)).slice(0, (c.bytes ?? 32) * 2)).toBe(c.mac);
  });

  it("agrees with node:crypto for random keys and messages, and one key signs many messages alike", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }), (key, messages) => {
        const k = new HmacSha256Key(key);
        return messages.every((m) => toHex(k.sign(m)) === createHmac("sha256", key).update(m).digest("hex"));
      }),
      { numRuns: 200 },
    );
  });

  it("verifies its own MAC and refuses a changed, shortened or non-hex one", () => {
    const k = new HmacSha256Key(utf8("k".repeat(32)));
    const m = utf8("message");
    const mac = toHex(k.sign(m));
    expect(k.verifyHex(m, mac)).toBe(true);
    expect(k.verifyHex(m, `${mac.slice(0, 63)}${mac.endsWith("0") ? "1" : "0"}`)).toBe(false);
    expect(k.verifyHex(m, mac.slice(0, 62))).toBe(false);
    expect(k.verifyHex(m, mac.toUpperCase())).toBe(false);
    expect(k.verifyHex(utf8("messagf"), mac)).toBe(false);
    expect(JSON.stringify({ k })).not.toContain("k".repeat(8));
  });
});
