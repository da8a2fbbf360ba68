import { hmac } from "@noble/hashes/hmac.js";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), synchronous: @noble/hashes (audited, no
 * dependencies), behind the few functions the evidence chain needs.
 *
 * Why not WebCrypto: the run ledger appends an event per state change and each append hashes the record
 * and MACs the link. `crypto.subtle` only answers with a promise, and an await between reading the
 * chain's head and writing the next event lets another call read the same head, so appends had to be
 * queued one after another behind a mutex. Computed synchronously, the read, the hashes and the write
 * run as one uninterrupted step of the Durable Object: no other call can interleave, no queue is needed.
 * Outputs are byte-identical to WebCrypto's (sha256.test.ts checks the FIPS and RFC 4231 vectors and
 * random inputs against node:crypto).
 */

export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]!];
  return hex;
}

const enc = new TextEncoder();

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`, synchronously. */
export function sha256HexSync(text: string): string {
  return toHex(sha256(enc.encode(text)));
}

/**
 * An HMAC-SHA256 key. Holds key material: never serialize, log or return it.
 */
export class HmacSha256Key {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    this.#key = Uint8Array.from(key);
  }

  /** The 32-byte HMAC-SHA256 of `message`. */
  sign(message: Uint8Array): Uint8Array {
    return hmac(nobleSha256, this.#key, message);
  }

  /** Whether `mac` (lowercase hex) is the MAC of `message`, compared in time independent of where they differ. */
  verifyHex(message: Uint8Array, mac: string): boolean {
    const expected = toHex(this.sign(message));
    if (mac.length !== expected.length) return false;
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ mac.charCodeAt(i);
    return diff === 0;
  }

  toJSON(): string {
    return "[HmacSha256Key]";
  }
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new HmacSha256Key(key).sign(message);
}
