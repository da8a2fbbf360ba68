import type { JsonValue } from "../../schemas/common";

/**
 * How a write-only argument (JSON Schema `writeOnly: true`) is stored and shown (workers/invoke/write-only.ts
 * seals it): in the Run's stored input it is a sealed box `{"$sealed": {id, ciphertext, iv}}`; hashed,
 * listed or displayed it is "[write-only]". Pure, so the run ledger hashes stored input the same way.
 */
export const WRITE_ONLY = "[write-only]";
export const SEALED_KEY = "$sealed";

export type SealedBox = { id: string; ciphertext: string; iv: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The sealed box a stored value is, or null. */
export function sealedBox(value: unknown): SealedBox | null {
  if (!isObject(value) || Object.keys(value).length !== 1) return null;
  const box = value[SEALED_KEY];
  return isObject(box) && typeof box.id === "string" && typeof box.ciphertext === "string" && typeof box.iv === "string"
    ? { id: box.id, ciphertext: box.ciphertext, iv: box.iv }
    : null;
}

/** A stored input as it is hashed and shown: every sealed box is "[write-only]". */
export function maskSealed<T extends JsonValue | null>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (sealedBox(value)) return WRITE_ONLY as T;
  if (Array.isArray(value)) return value.map((v) => maskSealed(v)) as T;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSealed(v as JsonValue)])) as T;
}

/**
 * Where a caller's own arguments hold something shaped like a sealed box (JSON-pointer-ish paths).
 * Only the platform seals: a caller's look-alike would be hashed and shown as "[write-only]", hiding
 * its content from the person approving the call, so such arguments are refused (workers/invoke/arguments.ts).
 */
export function sealedLookalikes(value: JsonValue, path = "arguments", out: string[] = []): string[] {
  if (out.length >= 5 || value === null || typeof value !== "object") return out;
  if (sealedBox(value)) {
    out.push(path);
    return out;
  }
  if (Array.isArray(value)) value.forEach((v, i) => sealedLookalikes(v, `${path}[${i}]`, out));
  else for (const [k, v] of Object.entries(value)) sealedLookalikes(v as JsonValue, `${path}.${k}`, out);
  return out;
}
