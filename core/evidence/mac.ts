import { canonicalJson } from "./canonical-json";
import { HmacSha256Key, toHex as bytesHex } from "./sha256";

export { HmacSha256Key } from "./sha256";

/**
 * HKDF labels, one per purpose (finding 13). A MAC made under one label never verifies under another,
 * and neither is ever the vault key itself (the same rule as the resume-link key).
 */
export const RUN_LEDGER_KEY_LABEL = "executor run ledger v1";
export const LEDGER_ANCHOR_KEY_LABEL = "executor ledger anchor v1";

const enc = new TextEncoder();

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function fromHex(hex: string): Uint8Array | null {
  if (!/^[0-9a-f]*$/.test(hex) || hex.length % 2 !== 0) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function toHex(bytes: ArrayBuffer): string {
  let hex = "";
  for (const byte of new Uint8Array(bytes)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * An HMAC-SHA256 key for one purpose and one org, derived from a 32-byte Worker secret with
 * HKDF-SHA256 (RFC 5869 §2: `info` = label, NUL, org id). Binding the org means a chain or checkpoint
 * copied from another org's storage does not verify in this one.
 */
export async function deriveOrgMacKey(secretBase64: string, label: string, orgId: string): Promise<CryptoKey> {
  const raw = fromBase64(secretBase64);
  // Only the Worker's own configuration reaches here: a wrong key is a deployment error, not input.
  if (raw.byteLength !== 32) throw new TypeError("the ledger secret must be base64 of 32 bytes");
  if (orgId === "") throw new TypeError("a ledger key must be bound to an org id");
  const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: enc.encode(`${label}\u0000${orgId}`) },
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign", "verify"],
  );
}

/**
 * The same key as `deriveOrgMacKey` (the same HKDF output bytes), held for synchronous HMAC
 * (sha256.ts): what the run ledger signs its links and checkpoints with, so an append awaits nothing.
 * A MAC made with one verifies with the other.
 */
export async function deriveOrgHmacKey(secretBase64: string, label: string, orgId: string): Promise<HmacSha256Key> {
  const raw = fromBase64(secretBase64);
  if (raw.byteLength !== 32) throw new TypeError("the ledger secret must be base64 of 32 bytes");
  if (orgId === "") throw new TypeError("a ledger key must be bound to an org id");
  const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveBits"]);
  const bits = new Uint8Array(
    await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: enc.encode(`${label}\u0000${orgId}`) }, base, 256),
  );
  const key = new HmacSha256Key(bits);
  bits.fill(0);
  return key;
}

/** Lowercase hex HMAC-SHA256 of the canonical JSON of `value`, synchronously. */
export function macHexSync(key: HmacSha256Key, value: unknown): string {
  return bytesHex(key.sign(enc.encode(canonicalJson(value))));
}

/** Checks a hex MAC of the canonical JSON of `value`, synchronously, in time independent of where it differs. */
export function macValidSync(key: HmacSha256Key, value: unknown, mac: string): boolean {
  if (fromHex(mac)?.byteLength !== 32) return false;
  return key.verifyHex(enc.encode(canonicalJson(value)), mac);
}

/** Lowercase hex HMAC-SHA256 of the canonical JSON (RFC 8785) of `value`. */
export async function macHex(key: CryptoKey, value: unknown): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", key, enc.encode(canonicalJson(value))));
}

/** Checks a hex MAC in constant time (WebCrypto `verify`), so timing reveals nothing about a guess. */
export async function macValid(key: CryptoKey, value: unknown, mac: string): Promise<boolean> {
  const bytes = fromHex(mac);
  if (bytes === null || bytes.byteLength !== 32) return false;
  return crypto.subtle.verify("HMAC", key, bytes, enc.encode(canonicalJson(value)));
}
