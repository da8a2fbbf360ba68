import type { Run } from "../../schemas";
import type { Env } from "../shared/env";
import { approvalTimeoutSeconds } from "./approvals";
import { safeEqual } from "../shared/crypto";

const enc = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** An HMAC key for resume links, derived from the vault key (HKDF, its own label), never the vault key itself. */
async function linkKey(env: Env): Promise<CryptoKey> {
  const raw = Uint8Array.from(atob(env.VAULT_KEY), (c) => c.charCodeAt(0));
  const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: enc.encode("executor resume links v1") },
    base,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    ["sign"],
  );
}

export type LinkClaims = { runId: string; orgId: string; exp: number };

/**
 * A signed, expiring reference to one pending Run. It only opens the review page: deciding still
 * needs a signed-in person entitled to decide, and works once (the Run leaves pending_approval).
 */
export async function signResumeLink(env: Env, run: Run, orgId: string, expiresAt: number): Promise<string> {
  const payload = b64url(enc.encode(JSON.stringify({ runId: run.id, orgId, exp: expiresAt } satisfies LinkClaims)));
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await linkKey(env), enc.encode(payload)));
  return `${payload}.${b64url(mac)}`;
}

export async function verifyResumeLink(env: Env, token: string, now = Date.now()): Promise<LinkClaims | null> {
  const [payload, mac] = token.split(".");
  if (!payload || !mac || token.length > 1024) return null;
  const expected = b64url(new Uint8Array(await crypto.subtle.sign("HMAC", await linkKey(env), enc.encode(payload))));
  if (!safeEqual(expected, mac)) return null;
  try {
    const claims = JSON.parse(new TextDecoder().decode(fromB64url(payload))) as LinkClaims;
    if (typeof claims.runId !== "string" || typeof claims.orgId !== "string" || typeof claims.exp !== "number") return null;
    return claims.exp > now ? claims : null;
  } catch {
    return null;
  }
}

/** The signed review link of a pending Run: it expires with the Run's wait, and within a week at most. */
export async function resumeLinkFor(env: Env, base: string, run: Run, orgId: string): Promise<string> {
  const expiresAt = Math.min(run.createdAt + approvalTimeoutSeconds(env) * 1000, Date.now() + 7 * 86_400_000);
  return `${base}/approvals/review/${await signResumeLink(env, run, orgId, expiresAt)}`;
}
