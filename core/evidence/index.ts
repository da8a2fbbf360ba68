import { isDomainError } from "../errors";
import { canonicalJson } from "./canonical-json";
import type { SharedTexts } from "./canonical-json";
import { sha256HexSync } from "./sha256";

export { SharedTexts, canonicalJson } from "./canonical-json";

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text` (WebCrypto: same in workerd and Node 22). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  let hex = "";
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * The hash of a JSON value, independent of key order (input hashes, tool definition hashes).
 * `shared` speeds up hashing many values that share objects (canonical-json.ts), same hashes.
 */
export async function hashValue(value: unknown, shared?: SharedTexts): Promise<string> {
  return sha256Hex(canonicalJson(value, shared));
}

/**
 * DESIGN §10, evidence: each record's hash covers the previous record's hash, so changing, dropping or
 * reordering any earlier record changes every later hash.
 */
export async function evidenceHash(prevHash: string | null, record: object): Promise<string> {
  return sha256Hex(canonicalJson({ prev: prevHash, record }));
}

export interface ChainLink {
  readonly record: object;
  readonly prevHash: string | null;
  readonly evidenceHash: string;
}

export type ChainBreak = "prev_hash_mismatch" | "evidence_hash_mismatch" | "not_canonicalizable";

export type ChainVerification =
  | { readonly ok: true }
  | { readonly ok: false; readonly brokenAt: number; readonly code: ChainBreak; readonly reason: string };

export interface VerifyOptions {
  /**
   * What the first link's prevHash must be: `null` for a ledger's very first record, a hash when
   * verifying a slice that follows a known record. Omitted: the first link's prevHash is taken on trust.
   */
  readonly anchor?: string | null;
}

/**
 * Verifies a run of links in ledger order and reports the first broken one. Note what a chain can and
 * cannot show: rewriting a record together with its own hash is caught at the NEXT link, so the newest
 * hash must be kept somewhere the rewriter cannot reach (an anchor) to protect the tail.
 */
export async function verifyChain(
  links: readonly ChainLink[],
  options: VerifyOptions = {},
): Promise<ChainVerification> {
  for (let i = 0; i < links.length; i++) {
    const link = links[i];
    if (link === undefined) continue;
    const expectedPrev = i === 0 ? options.anchor : links[i - 1]?.evidenceHash;
    if (expectedPrev !== undefined && link.prevHash !== expectedPrev) {
      return {
        ok: false,
        brokenAt: i,
        code: "prev_hash_mismatch",
        reason: `record ${i} points at previous hash ${String(link.prevHash)}, expected ${String(expectedPrev)}`,
      };
    }
    let actual: string;
    try {
      actual = await evidenceHash(link.prevHash, link.record);
    } catch (e) {
      if (!isDomainError(e, "not_canonicalizable")) throw e;
      return { ok: false, brokenAt: i, code: "not_canonicalizable", reason: `record ${i}: ${e.message}` };
    }
    if (actual !== link.evidenceHash) {
      return {
        ok: false,
        brokenAt: i,
        code: "evidence_hash_mismatch",
        reason: `record ${i} hashes to ${actual}, but its evidence hash says ${link.evidenceHash}`,
      };
    }
  }
  return { ok: true };
}

/** `hashValue`, synchronously (sha256.ts): byte-identical, for code that must not await between a read and a write. */
export function hashValueSync(value: unknown): string {
  return sha256HexSync(canonicalJson(value));
}

export { sha256HexSync } from "./sha256";
export {
  HmacSha256Key,
  LEDGER_ANCHOR_KEY_LABEL,
  RUN_LEDGER_KEY_LABEL,
  deriveOrgHmacKey,
  deriveOrgMacKey,
  macHex,
  macHexSync,
  macValid,
  macValidSync,
} from "./mac";
