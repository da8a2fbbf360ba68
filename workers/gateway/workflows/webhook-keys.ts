import type { Env } from "../env";

const enc = new TextEncoder();
const LABEL = "executor workflow webhooks v1";

/** The HMAC key webhook secrets derive from: HKDF of the vault key under its own label, never the vault key. */
async function webhookKey(env: Env): Promise<CryptoKey> {
  const raw = Uint8Array.from(atob(env.VAULT_KEY), (c) => c.charCodeAt(0));
  const base = await crypto.subtle.importKey("raw", raw, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: enc.encode(LABEL) }, base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign"]);
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * A webhook's signing secret, from its scope, workflow and public id alone, so a request can be
 * verified before anything is read or any object is touched (a forged one costs one HMAC).
 */
export async function webhookSecret(env: Env, scope: string, name: string, id: string): Promise<string> {
  return `whsec_${hex(await crypto.subtle.sign("HMAC", await webhookKey(env), enc.encode(`${scope}/${name}/${id}`)))}`;
}

export function webhookUrl(env: Env, scope: string, name: string, id: string): string {
  return `${new URL(env.PUBLIC_URL).origin}/hooks/workflows/${scope}/${name}/${id}`;
}
