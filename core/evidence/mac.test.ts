import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";
import { LEDGER_ANCHOR_KEY_LABEL, RUN_LEDGER_KEY_LABEL, deriveOrgHmacKey, deriveOrgMacKey, macHex, macHexSync, macValid, macValidSync } from "./mac";

const SECRET = Buffer.from("0123456789abcdef0123456789abcdef").toString("base64");
const OTHER_SECRET = randomBytes(32).toString("base64");
const LINK = { v: 1, seq: 3, prev: "a".repeat(64), runId: "run_0000000001", status: "succeeded", at: 1700000000000 };

describe("deriveOrgMacKey + macHex", () => {
  it("matches HKDF-SHA256 (RFC 5869) then HMAC-SHA256 computed independently with node:crypto", async () => {
    const key = Buffer.from(hkdfSync("sha256", Buffer.from(SECRET, "base64"), Buffer.alloc(0), `${RUN_LEDGER_KEY_LABEL}\u0000org_acme`, 32));
    const expected = createHmac("sha256", key).update(canonicalJson(LINK)).digest("hex");
    expect(await macHex(await deriveOrgMacKey(SECRET, RUN_LEDGER_KEY_LABEL, "org_acme"), LINK)).toBe(expected);
  });

  it("does not depend on key order (canonical JSON)", async () => {
    const key = await deriveOrgMacKey(SECRET, RUN_LEDGER_KEY_LABEL, "org_acme");
    const reordered = Object.fromEntries(Object.entries(LINK).reverse());
    expect(await macHex(key, reordered)).toBe(await macHex(key, LINK));
  });

  it("gives another org, another purpose or another secret a key whose MACs do not verify here", async () => {
    const mac = await macHex(await deriveOrgMacKey(SECRET, RUN_LEDGER_KEY_LABEL, "org_acme"), LINK);
    const others = [
      await deriveOrgMacKey(SECRET, RUN_LEDGER_KEY_LABEL, "org_other"),
      await deriveOrgMacKey(SECRET, LEDGER_ANCHOR_KEY_LABEL, "org_acme"),
      await deriveOrgMacKey(OTHER_SECRET, RUN_LEDGER_KEY_LABEL, "org_acme"),
    ];
    for (const key of others) {
      expect(await macValid(key, LINK, mac)).toBe(false);
      expect(await macHex(key, LINK)).not.toBe(mac);
    }
  });

  it("keeps the label and the org id apart, so no org id can impersonate another label", async () => {
    // info is label NUL org: "…v1" + "x" must not equal "…v" + "1x".
    const a = await macHex(await deriveOrgMacKey(SECRET, "executor run ledger v1", "x"), LINK);
    const b = await macHex(await deriveOrgMacKey(SECRET, "executor run ledger v", "1x"), LINK);
    expect(a).not.toBe(b);
  });

  it("verifies its own MAC and refuses any changed field, a changed MAC or a malformed one", async () => {
    const key = await deriveOrgMacKey(SECRET, RUN_LEDGER_KEY_LABEL, "org_acme");
    const mac = await macHex(key, LINK);
    expect(await macValid(key, LINK, mac)).toBe(true);
    expect(await macValid(key, { ...LINK, seq: 4 }, mac)).toBe(false);
    expect(await macValid(key, LINK, `${mac.slice(0, 63)}${mac.endsWith("0") ? "1" : "0"}`)).toBe(false);
    expect(await macValid(key, LINK, "zz")).toBe(false);
    expect(await macValid(key, LINK, "")).toBe(false);
  });

  it("refuses a secret that is not 32 bytes and a key bound to no org", async () => {
    await expect(deriveOrgMacKey(Buffer.alloc(16).toString("base64"), RUN_LEDGER_KEY_LABEL, "org_acme")).rejects.toThrow(TypeError);
    await expect(deriveOrgMacKey(SECRET, RUN_LEDGER_KEY_LABEL, "")).rejects.toThrow(TypeError);
  });
});

describe("deriveOrgHmacKey + macHexSync", () => {
  it("is the same key as deriveOrgMacKey: each verifies the other's MACs", async () => {
    const slow = await deriveOrgMacKey(SECRET, RUN_LEDGER_KEY_LABEL, "org_acme");
    const fast = await deriveOrgHmacKey(SECRET, RUN_LEDGER_KEY_LABEL, "org_acme");
    const mac = macHexSync(fast, LINK);
    expect(mac).toBe(await macHex(slow, LINK));
    expect(await macValid(slow, LINK, mac)).toBe(true);
    expect(macValidSync(fast, LINK, mac)).toBe(true);
    expect(macValidSync(fast, { ...LINK, seq: 4 }, mac)).toBe(false);
    expect(macValidSync(fast, LINK, "zz")).toBe(false);
    expect(macValidSync(await deriveOrgHmacKey(SECRET, RUN_LEDGER_KEY_LABEL, "org_other"), LINK, mac)).toBe(false);
    expect(macValidSync(await deriveOrgHmacKey(SECRET, LEDGER_ANCHOR_KEY_LABEL, "org_acme"), LINK, mac)).toBe(false);
  });

  it("refuses a secret that is not 32 bytes and a key bound to no org", async () => {
    await expect(deriveOrgHmacKey(Buffer.alloc(16).toString("base64"), RUN_LEDGER_KEY_LABEL, "org_acme")).rejects.toThrow(TypeError);
    await expect(deriveOrgHmacKey(SECRET, RUN_LEDGER_KEY_LABEL, "")).rejects.toThrow(TypeError);
  });
});
