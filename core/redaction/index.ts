/**
 * DESIGN invariant 1: a secret leaves trusted code in no form the platform itself put on the wire.
 * This is the one place that knows those forms; the source plugins (before they cap an excerpt)
 * and the invocation path (on every result, success or failure) both redact through it.
 */

export const REDACTED = "[redacted]";

/** Shorter values are not redacted: they would blank out ordinary text and no real credential is this short. */
export const MIN_SECRET_LENGTH = 4;

function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** RFC 3986 §2.3: everything but unreserved characters percent-encoded (what OpenAPI serialization uses). */
function strictPercent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Every encoding in which a value may have been sent, and so may be echoed back (in `links.self`,
 * an error page, a reflected header): raw; percent-encoded as encodeURIComponent, as RFC 3986
 * strictly, as application/x-www-form-urlencoded (URLSearchParams, space as `+`) and as encodeURI;
 * JSON-escaped (with and without `\/`); base64, base64url and unpadded base64 of its UTF-8 bytes;
 * and with runs of whitespace folded. Matching is case-insensitive (redactText), which covers the
 * encodings whose case does not matter (percent-encoding's hex digits, RFC 3986 §2.1).
 */
export function wireForms(value: string): string[] {
  if (value.length < MIN_SECRET_LENGTH) return [];
  const forms = new Set<string>([value, value.replace(/\s+/g, " ")]);
  try {
    forms.add(encodeURIComponent(value));
    forms.add(strictPercent(value));
    forms.add(encodeURI(value));
  } catch {
    // A lone surrogate cannot be percent-encoded, so it was not sent that way either.
  }
  forms.add(new URLSearchParams([["", value]]).toString().slice(1));
  const json = JSON.stringify(value).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, "\\/"));
  const b64 = base64Utf8(value);
  forms.add(b64);
  forms.add(b64.replace(/=+$/, ""));
  forms.add(b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/**
 * The values a credential puts on the wire before encoding: the secret itself and, for the
 * `user:password` and `client_id:client_secret` shapes, the part after the colon on its own.
 */
export function credentialValues(secret: string): string[] {
  const colon = secret.indexOf(":");
  return colon >= 0 ? [secret, secret.slice(colon + 1)] : [secret];
}

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/**
 * A redactor for a set of secret values (expanded to their wire forms): one case-insensitive
 * alternation of literals, longest first so a prefix of a longer form never survives. Literals
 * only: matching is linear in the text for each form, whatever the secret contains.
 */
export class Redactor {
  readonly #pattern: RegExp | null;

  constructor(values: Iterable<string>) {
    const forms = new Set<string>();
    for (const value of values) if (value.length >= MIN_SECRET_LENGTH) for (const form of wireForms(value)) forms.add(form);
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    this.#pattern = sorted.length ? new RegExp(sorted.map((f) => f.replace(ESCAPE, "\\$&")).join("|"), "giu") : null;
  }

  get empty(): boolean {
    return this.#pattern === null;
  }

  text(text: string): string {
    return this.#pattern ? text.replace(this.#pattern, REDACTED) : text;
  }

  /** A copy of a JSON value with every string and member name redacted, however deep. */
  json<T>(value: T): T {
    return this.#pattern ? (this.#walk(value) as T) : value;
  }

  #walk(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.#walk(item));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, member] of Object.entries(value)) out[this.text(key)] = this.#walk(member);
      return out;
    }
    return value;
  }
}

export function redactText(text: string, values: readonly string[]): string {
  return new Redactor(values).text(text);
}

export function redactJson<T>(value: T, values: readonly string[]): T {
  return new Redactor(values).json(value);
}
