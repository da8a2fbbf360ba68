import { isJsonContentType } from "@modelcontextprotocol/sdk/shared/mediaType.js";
import { readBounded } from "../../../core/bytes";
import { JSON_LIMITS, breachMessage, parseJson } from "../../../core/json";
import type { JsonValue } from "../../../schemas";

/** The SDK transport's own default cap on a POST body (DEFAULT_MAX_REQUEST_BODY_SIZE, 4 MiB). */
export const MCP_BODY_LIMIT = 4 * 1024 * 1024;

/** JSON-RPC 2.0 §5.1 error codes. */
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
/** Implementation-defined server error, as the SDK answers an oversized body. */
const SERVER_ERROR = -32000;

export type McpMessage =
  /** The parsed message (or batch), bounded in bytes and depth; hand it to the transport as `parsedBody`. */
  | { readonly ok: true; readonly parsed: JsonValue }
  /** Not a JSON POST the transport would parse: it answers 406/415 itself, before reading any body. */
  | { readonly ok: true; readonly parsed: undefined }
  | { readonly ok: false; readonly response: Response };

/**
 * Reads an /mcp POST body the way the SDK transport would, plus the request limits on depth and
 * values (DESIGN invariant 10): the transport's own JSON.parse has none, so a message nested 100,000
 * deep would reach zod and the handlers and overflow the stack, and 4 MiB of `[{},…]` would cost
 * ~90 MB of heap. Over a limit is JSON-RPC 2.0 §5.1 "Invalid Request" (-32600: valid JSON, but not a
 * request we accept); malformed is "Parse error" (-32700).
 */
export async function readMcpMessage(request: Request): Promise<McpMessage> {
  if (!transportWouldParse(request.headers)) return { ok: true, parsed: undefined };
  const read = await readBounded(request, MCP_BODY_LIMIT);
  if (!read.ok) return refuse(413, SERVER_ERROR, `Payload too large: the message exceeds ${MCP_BODY_LIMIT} bytes`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(read.bytes);
  } catch {
    return refuse(400, PARSE_ERROR, "Parse error: the message is not valid UTF-8");
  }
  const json = parseJson(text, JSON_LIMITS.request);
  if (json.ok) return { ok: true, parsed: json.value };
  if (json.reason === "syntax") return refuse(400, PARSE_ERROR, "Parse error: Invalid JSON");
  return refuse(400, INVALID_REQUEST, `Invalid Request: ${breachMessage("the message", json.breach)}`);
}

/**
 * The transport's own checks, in its order and with its own media-type parser: Accept (406), then
 * Content-Type (415), then the body. Whatever it would parse, we parse first.
 */
function transportWouldParse(headers: Headers): boolean {
  const accept = headers.get("accept") ?? "";
  return accept.includes("application/json") && accept.includes("text/event-stream") && isJsonContentType(headers.get("content-type"));
}

function refuse(status: number, code: number, message: string): { ok: false; response: Response } {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
  return { ok: false, response: new Response(body, { status, headers: { "content-type": "application/json" } }) };
}
