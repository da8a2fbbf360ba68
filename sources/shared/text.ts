// Shared by the source plugins (sources/*): one copy of the security-relevant helpers.
import { redactJson as redactJsonValue, redactText } from "../../core/redaction";
/**
 * Text that comes from an upstream is untrusted: it lands in tool descriptions an agent reads and in
 * error messages a Run records. These helpers bound it, strip what can hide or reorder text, and take
 * out any form of the credential the upstream may have echoed back (DESIGN invariant 1).
 */

/** Descriptions: long enough for real documentation, short enough to bound what one tool can inject. */
export const DESCRIPTION_CAP = 2048;
/** Upstream error messages copied into a result. */
export const ERROR_MESSAGE_CAP = 300;

// C0 controls except \t and \n, DEL, C1 controls, and the Unicode bidi embedding/override/isolate marks
// (CVE-2021-42574 "Trojan Source": they make text read differently from what it contains).
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Strips control characters, trims, and caps to `max` characters (without splitting a surrogate pair). */
export function cleanText(text: string, max: number): string {
  const stripped = text.replace(/\r\n?/g, "\n").replace(CONTROL, "").trim();
  if (stripped.length <= max) return stripped;
  let cut = max - 1;
  const code = stripped.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${stripped.slice(0, cut)}…`;
}

/** Removes every secret in every wire form (core/redaction: the one place that knows the forms). */
export function redact(text: string, secrets: readonly string[]): string {
  return redactText(text, secrets);
}

/** An upstream message fit for a result: secrets removed first, then cleaned and capped. */
export function upstreamMessage(text: string, secrets: readonly string[]): string {
  return cleanText(redact(text, secrets), ERROR_MESSAGE_CAP);
}

/** Deep copy of a JSON value with every string (and member name) redacted. */
export function redactJson<T>(value: T, secrets: readonly string[]): T {
  return redactJsonValue(value, secrets);
}

const TOOL_NAME_MAX = 128;

/**
 * Maps an upstream name onto the ToolName alphabet (schemas/common.ts): A-Z a-z 0-9 _ . / - , first
 * character not '.', '/' or '-', at most 128 characters. Returns null for an empty name.
 */
export function sanitizeToolName(raw: string): string | null {
  if (raw.length === 0) return null;
  let name = raw.replace(/[^A-Za-z0-9_./-]/g, "_");
  if (/^[./-]/.test(name)) name = `_${name}`;
  return name.slice(0, TOOL_NAME_MAX);
}

/** Makes names unique in order of appearance: the second `a_b` becomes `a_b_2` (within the length cap). */
export function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) {
    const suffix = `_${n}`;
    candidate = `${name.slice(0, TOOL_NAME_MAX - suffix.length)}${suffix}`;
  }
  taken.add(candidate);
  return candidate;
}
