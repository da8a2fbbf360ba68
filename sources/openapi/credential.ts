import { JSON_LIMITS, describeBreach, parseJson } from "../../core/json";
import { credentialValues } from "../../core/redaction";
import type { Credential, InvokeContext } from "../types";
import { decodeText, readBounded } from "./read-body";
import type { RequestParts } from "./request";
import type { Failure } from "./response";
import { fetchFailure, invalidResponse, statusFailure } from "./response";
import { encode } from "./serialize";

const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;

export type Placement = { ok: true; parts: RequestParts; secrets: string[] } | Failure;

/**
 * Puts the credential on the wire as its template says, and lists the values it put there (each is
 * redacted in every encoding by core/redaction from whatever comes back, DESIGN invariant 1). Values
 * derived from the credential (the computed Basic header, a client-credentials access token) are also
 * reported to the platform through `ctx.secret`, so the platform removes them from successful
 * answers too. Nothing is cached across calls: a client-credentials token is fetched for each call.
 */
export async function placeCredential(parts: RequestParts, credential: Credential | null, ctx: InvokeContext): Promise<Placement> {
  if (credential === null) return { ok: true, parts, secrets: [] };
  const { template, secret } = credential;
  const secrets = credentialValues(secret);
  switch (template.type) {
    case "none":
      return { ok: true, parts, secrets };
    case "apiKey":
      if (template.in === "header") parts.headers.set(template.name, secret);
      else if (template.in === "cookie") parts.cookies.push(`${template.name}=${encode(secret)}`);
      else {
        // The credential wins over a same-named argument: drop any, then add ours.
        const query = parts.query.filter(([name]) => name !== template.name);
        query.push([template.name, secret]);
        parts.query.splice(0, parts.query.length, ...query);
      }
      return { ok: true, parts, secrets };
    case "http":
      if (template.scheme === "bearer") {
        // RFC 6750 §2.1.
        parts.headers.set("authorization", `Bearer ${secret}`);
        return { ok: true, parts, secrets };
      }
      // RFC 7617 §2: base64 of the UTF-8 `user-id:password` (a wire form core/redaction knows).
      parts.headers.set("authorization", `Basic ${base64Utf8(secret)}`);
      return { ok: true, parts, secrets };
    case "oauth2_client_credentials": {
      const token = await clientCredentialsToken(template.tokenUrl, template.scopes, secret, ctx);
      if (!token.ok) return token;
      parts.headers.set("authorization", `Bearer ${token.accessToken}`);
      // Derived tokens: the platform must scrub these from successful answers as well.
      ctx.secret?.(token.accessToken);
      ctx.secret?.(token.basic);
      return { ok: true, parts, secrets: [...secrets, token.accessToken, token.basic] };
    }
  }
}

type Token = { ok: true; accessToken: string; basic: string } | Failure;

/** RFC 6749 §4.4: client credentials grant, client authenticated with HTTP Basic (§2.3.1). */
async function clientCredentialsToken(tokenUrl: string, scopes: readonly string[], secret: string, ctx: InvokeContext): Promise<Token> {
  const colon = secret.indexOf(":");
  if (colon < 0) {
    return { ok: false, error: { code: "invalid_arguments", message: "a client-credentials secret must be `client_id:client_secret`", retryable: false } };
  }
  // §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded.
  const basic = base64Utf8(`${formEncode(secret.slice(0, colon))}:${formEncode(secret.slice(colon + 1))}`);
  const form = new URLSearchParams({ grant_type: "client_credentials" });
  if (scopes.length > 0) form.set("scope", scopes.join(" "));
  let response: Response;
  try {
    response = await ctx.fetch(tokenUrl, {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form.toString(),
      signal: ctx.signal,
    });
  } catch (error) {
    return fetchFailure(error, ctx.signal, `token endpoint ${new URL(tokenUrl).origin}`, true);
  }
  if (!response.ok) {
    // The token endpoint's body may echo the client's credentials: none of it is repeated.
    await response.body?.cancel();
    return statusFailure("token endpoint", response.status);
  }
  const body = await readBounded(response, MAX_TOKEN_RESPONSE_BYTES);
  if (!body.ok) return invalidResponse("token endpoint answered with an oversized body");
  // DESIGN invariant 10: a token response is an upstream answer, bounded like one.
  const json = parseJson(decodeText(body.bytes), JSON_LIMITS.upstream);
  if (!json.ok) return invalidResponse(`token endpoint answered with a body that ${json.reason === "limit" ? describeBreach(json.breach) : "is not JSON"}`);
  const payload = json.value;
  const accessToken = typeof payload === "object" && payload !== null && "access_token" in payload ? payload.access_token : undefined;
  const tokenType = typeof payload === "object" && payload !== null && "token_type" in payload ? payload.token_type : "Bearer";
  // §5.1: access_token and token_type are required; we can only present bearer tokens (RFC 6750).
  if (typeof accessToken !== "string" || accessToken === "" || String(tokenType).toLowerCase() !== "bearer") {
    return invalidResponse("token endpoint answered without a bearer access_token");
  }
  return { ok: true, accessToken, basic };
}

function formEncode(value: string): string {
  return new URLSearchParams([["", value]]).toString().slice(1);
}

export function base64Utf8(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
