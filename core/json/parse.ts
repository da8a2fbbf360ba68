import type { JsonValue } from "../../schemas/common";
import type { JsonLimits } from "./limits";
import type { JsonBreach } from "./scan";
import { scanJsonText } from "./scan";

export type ParsedJson =
  | { readonly ok: true; readonly value: JsonValue }
  /** The text is over a limit; nothing was parsed. */
  | { readonly ok: false; readonly reason: "limit"; readonly breach: JsonBreach }
  /** Not JSON (RFC 8259). `message` is the engine's, and may quote the text. */
  | { readonly ok: false; readonly reason: "syntax"; readonly message: string };

/**
 * JSON.parse with the limits checked first, on the text: text over a limit is refused before any of
 * it is built, and whatever is returned is safe for every recursive step downstream.
 */
export function parseJson(text: string, limits: JsonLimits): ParsedJson {
  const breach = scanJsonText(text, limits);
  if (breach !== null) return { ok: false, reason: "limit", breach };
  try {
    // JSON.parse yields JSON values only (no undefined, functions or cycles).
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { ok: false, reason: "syntax", message: error instanceof SyntaxError ? error.message : "invalid JSON" };
  }
}
