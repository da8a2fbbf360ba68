import { isEgressError } from "../../core/egress";
import { JSON_LIMITS, describeBreach, parseJson } from "../../core/json";
import { redactText } from "../../core/redaction";
import type { InvokeResult } from "../types";
import { cleanText } from "./json";
import { essence, isJsonMediaType } from "./media";
import { decodeText, readBounded } from "./read-body";

export type Failure = Extract<InvokeResult, { ok: false }>;

/** Above this a result belongs in storage behind a handle, not in one isolate's memory. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const MAX_EXCERPT = 500;
const EXCERPT_READ_BYTES = 16 * 1024;

/** Reason phrases (RFC 9110 §15) written by us: the upstream's own status text is never echoed. */
const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
  405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
  411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large", 414: "URI Too Long",
  415: "Unsupported Media Type", 422: "Unprocessable Content", 423: "Locked", 428: "Precondition Required",
  429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
  503: "Service Unavailable", 504: "Gateway Timeout",
};

/** `upstream answered 404 Not Found`; 5xx and 429 are worth retrying (RFC 9110 §15.6, RFC 6585 §4). */
export function statusFailure(who: string, status: number, excerpt = ""): Failure {
  const reason = REASONS[status];
  const summary = `${who} answered ${status}${reason === undefined ? "" : ` ${reason}`}`;
  return {
    ok: false,
    error: {
      code: "upstream_error",
      status,
      message: excerpt === "" ? summary : `${summary}: ${excerpt}`,
      retryable: status >= 500 || status === 429,
    },
  };
}

/**
 * A rejected fetch: the platform's deadline (AbortSignal) or the guard's own timeout is a timeout; an
 * egress refusal is unreachable and final (retrying cannot change the guard's mind); anything else is a
 * network failure, unreachable and worth retrying.
 */
export function fetchFailure(error: unknown, signal: AbortSignal, origin: string, retryableTimeout: boolean): Failure {
  const name = typeof error === "object" && error !== null && "name" in error ? String(error.name) : "";
  if (isEgressError(error) && error.code !== "timeout") {
    return { ok: false, error: { code: "upstream_unreachable", message: `the egress guard refused the request to ${origin} (${error.code})`, retryable: false } };
  }
  if (signal.aborted || name === "AbortError" || name === "TimeoutError" || isEgressError(error, "timeout")) {
    return { ok: false, error: { code: "timeout", message: `${origin} did not answer before the deadline`, retryable: retryableTimeout } };
  }
  return { ok: false, error: { code: "upstream_unreachable", message: `could not reach ${origin}`, retryable: true } };
}

export function invalidResponse(message: string): Failure {
  return { ok: false, error: { code: "invalid_response", message, retryable: false } };
}

/**
 * The upstream's answer as a result: 2xx → its JSON (or text; other content as base64), 204/205 and
 * HEAD → null; anything else → upstream_error with a short excerpt of the body, every form of every
 * secret in `secrets` removed (DESIGN invariant 1).
 */
export async function readResult(response: Response, method: string, secrets: readonly string[]): Promise<InvokeResult> {
  const status = response.status;
  if (status < 200 || status > 299) {
    return statusFailure("upstream", status, await excerpt(response, secrets));
  }
  if (status === 204 || status === 205 || method === "HEAD") {
    await response.body?.cancel();
    return { ok: true, value: null, status };
  }
  const body = await readBounded(response, MAX_RESPONSE_BYTES);
  if (!body.ok) return invalidResponse(`upstream answered ${status} with more than ${MAX_RESPONSE_BYTES} bytes`);
  if (body.bytes.byteLength === 0) return { ok: true, value: null, status };
  const type = response.headers.get("content-type") ?? "";
  if (isJsonMediaType(type)) {
    // DESIGN invariant 10: an answer over the upstream limits fails the Run here, before it is built.
    const json = parseJson(decodeText(body.bytes), JSON_LIMITS.upstream);
    if (json.ok) return { ok: true, value: json.value, status };
    if (json.reason === "limit") return invalidResponse(`upstream answered ${status} with JSON that ${describeBreach(json.breach)}`);
    return invalidResponse(`upstream answered ${status} with a body that is not valid JSON`);
  }
  if (isTextual(type)) return { ok: true, value: decodeText(body.bytes), status };
  return { ok: true, value: { contentType: essence(type), size: body.bytes.byteLength, base64: toBase64(body.bytes) }, status };
}

function isTextual(type: string): boolean {
  const e = essence(type);
  return e === "" || e.startsWith("text/") || e.endsWith("+xml") || e === "application/xml" || e === "application/javascript" ||
    e === "application/x-www-form-urlencoded" || e === "application/yaml";
}

async function excerpt(response: Response, secrets: readonly string[]): Promise<string> {
  const body = await readBounded(response, EXCERPT_READ_BYTES).catch(() => null);
  if (body === null || !body.ok) return "";
  // Strip controls and fold whitespace before redacting, so a secret split by a NUL or a line break
  // cannot survive the clean-up; cap only afterwards.
  const plain = cleanText(decodeText(body.bytes), EXCERPT_READ_BYTES).replace(/\s+/g, " ");
  return cleanText(redact(plain, secrets), MAX_EXCERPT);
}

/** Every secret in every wire form, case-insensitively (core/redaction, the one place that knows the forms). */
export function redact(text: string, secrets: readonly string[]): string {
  return redactText(text, secrets);
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
