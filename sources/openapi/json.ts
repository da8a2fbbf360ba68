import type { JsonObject, JsonValue } from "../../schemas";

/** Narrowing helpers for the parsed document: it is JSON (or JSON-compatible YAML), shape unknown. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function objectAt(value: JsonValue | undefined): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

export function stringAt(value: JsonValue | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function arrayAt(value: JsonValue | undefined): JsonValue[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** C0/C1 controls except tab and newline, plus bidi overrides that can hide text from a reader. */
const UNSAFE_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Upstream prose shown to people and models: control characters stripped, length capped. */
export function cleanText(text: string, max: number): string {
  const cleaned = text.replace(/\r\n?/g, "\n").replace(/\t/g, " ").replace(UNSAFE_CHARS, "").trim();
  if (cleaned.length <= max) return cleaned;
  let cut = cleaned.slice(0, max - 1);
  // Never end on half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}
