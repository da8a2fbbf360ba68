import type { Sealed } from "../../../durable-objects/scope-catalog/connections";

const enc = new TextEncoder();
const dec = new TextDecoder();

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function vaultKey(raw: string): Promise<CryptoKey> {
  const bytes = unb64(raw);
  if (bytes.byteLength !== 32) throw new Error("VAULT_KEY must be base64 of 32 bytes");
  return crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** Binds a ciphertext to where it lives, so a sealed value copied to another scope or id will not open. */
function aad(scope: string, id: string): Uint8Array {
  return enc.encode(`executor-vault:v1:${scope}:${id}`);
}

/** Seals a secret with AES-256-GCM and a fresh random 96-bit IV per record. */
export async function seal(vaultKeyB64: string, scope: string, plaintext: string): Promise<Sealed> {
  const id = `sec_${b64(crypto.getRandomValues(new Uint8Array(15))).replace(/[+/=]/g, "").toLowerCase()}`.slice(0, 28);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await vaultKey(vaultKeyB64);
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(scope, id) }, key, enc.encode(plaintext));
  return { id, ciphertext: b64(new Uint8Array(ct)), iv: b64(iv) };
}

/** Opens a sealed secret; throws if it was altered or moved. */
export async function open(vaultKeyB64: string, scope: string, sealed: Sealed): Promise<string> {
  const key = await vaultKey(vaultKeyB64);
  const pt = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: unb64(sealed.iv), additionalData: aad(scope, sealed.id) },
    key,
    unb64(sealed.ciphertext),
  );
  return dec.decode(pt);
}
