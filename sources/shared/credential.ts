// Shared by the source plugins (sources/*): one copy of the security-relevant helpers.
import { credentialValues } from "../../core/redaction";
import type { Credential } from "../types";

/** Where a credential ended up on the wire, and every form of it an upstream might echo back. */
export interface PlacedCredential {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Values put on the wire, to redact (in every encoding, core/redaction) from what comes back (DESIGN invariant 1). */
  readonly secrets: readonly string[];
}

export type Placement = { ok: true; placed: PlacedCredential } | { ok: false; message: string };

/**
 * Places a credential as its template says. Static config headers go first so a credential always wins
 * a name clash. `oauth2_client_credentials` needs a token exchange, which is the platform's job (DESIGN
 * §2: auth is generic), so it is refused here rather than sent as a raw `id:secret`.
 */
export function placeCredential(
  url: string,
  staticHeaders: Readonly<Record<string, string>> | undefined,
  credential: Credential | null,
): Placement {
  const headers: Record<string, string> = { ...staticHeaders };
  if (credential === null) return { ok: true, placed: { url, headers, secrets: [] } };
  const { template, secret } = credential;
  const secrets = credentialValues(secret);
  switch (template.type) {
    case "none":
      return { ok: true, placed: { url, headers, secrets } };
    case "http":
      if (template.scheme === "bearer") {
        setHeader(headers, "Authorization", `Bearer ${secret}`);
      } else {
        // RFC 7617 §2; the base64 form is one core/redaction removes.
        setHeader(headers, "Authorization", `Basic ${base64Utf8(secret)}`);
      }
      return { ok: true, placed: { url, headers, secrets } };
    case "apiKey": {
      if (template.in === "header") {
        setHeader(headers, template.name, secret);
        return { ok: true, placed: { url, headers, secrets } };
      }
      if (template.in === "cookie") {
        setHeader(headers, "Cookie", `${template.name}=${encodeURIComponent(secret)}`);
        return { ok: true, placed: { url, headers, secrets } };
      }
      const withKey = new URL(url);
      withKey.searchParams.set(template.name, secret);
      return { ok: true, placed: { url: withKey.toString(), headers, secrets } };
    }
    case "oauth2_client_credentials":
      return { ok: false, message: "this source cannot place an oauth2_client_credentials credential itself" };
  }
}

/** Case-insensitive set: a static `authorization` must not survive next to the credential's `Authorization`. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
  headers[name] = value;
}

function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
