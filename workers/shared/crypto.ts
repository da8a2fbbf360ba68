import { sha256Hex } from "../../core/evidence";

const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";

/** A random secret token: `<prefix>_` then 32 base32 characters (160 bits). */
export function randomToken(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let out = "";
  for (const b of bytes) out += BASE32[b & 31];
  return `${prefix}_${out}`;
}

/** High-entropy tokens (sessions, API keys) are stored by SHA-256: fast to look up, useless if leaked. */
export function tokenHash(token: string): Promise<string> {
  return sha256Hex(token);
}

/** Constant-time comparison of two strings (workerd's `crypto.subtle.timingSafeEqual`). */
export function safeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  if (left.byteLength !== right.byteLength) {
    // Compare against itself so the time spent does not depend on where the inputs differ.
    crypto.subtle.timingSafeEqual(left, left);
    return false;
  }
  return crypto.subtle.timingSafeEqual(left, right);
}
