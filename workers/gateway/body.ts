import type { Context } from "hono";
import type { z } from "zod";
import { readBounded } from "../../core/bytes";
import { JSON_LIMITS, breachMessage, parseJson } from "../../core/json";
import { zodIssues } from "../../schemas";
import { HttpError } from "../shared/problem";

/** Default cap on JSON request bodies; routes that take uploads (specs) pass their own. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** An oversized body is read and discarded up to this size so the 413 reaches the client (core/bytes). */
const DRAIN_UP_TO = 64 * 1024 * 1024;
/**
 * A strict decode runs over pieces this large: workerd's fatal TextDecoder takes ~700 ms for one
 * 13 MB buffer (GitHub's description uploaded) and ~7 ms for the same bytes 64 KiB at a time.
 */
const DECODE_PIECE = 64 * 1024;

/**
 * Reads a JSON body and validates it against a schema. Failures are precise and happen before any
 * state changes: 415 wrong media type, 413 over the limit (checked on the declared length and while
 * streaming), 400 malformed JSON, 422 over the request limits on depth or values (checked on the
 * text, before it is parsed: DESIGN invariant 10) or a schema violation naming each failing field.
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S, limit = DEFAULT_BODY_LIMIT): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, "unsupported-media-type", "request body must be application/json");
  }
  const text = await readLimited(c.req.raw, limit);
  const json = parseJson(text, JSON_LIMITS.request);
  if (!json.ok && json.reason === "syntax") throw new HttpError(400, "malformed-json", `request body is not valid JSON: ${json.message}`);
  if (!json.ok) {
    const message = breachMessage("the request body", json.breach);
    throw new HttpError(422, "validation-failed", message, { errors: [{ path: "(root)", message }] });
  }
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) {
    const errors = zodIssues(parsed.error);
    const first = errors[0];
    const detail = first ? `field '${first.path}': ${first.message}` : "request body does not match the schema";
    throw new HttpError(422, "validation-failed", detail, { errors });
  }
  return parsed.data;
}

/** A request body as UTF-8 text, never more than `limit` bytes of it read (413 beyond). */
export async function readLimited(request: Request, limit: number): Promise<string> {
  const read = await readBounded(request, limit, { drainUpTo: Math.max(DRAIN_UP_TO, limit) });
  if (!read.ok) throw new HttpError(413, "payload-too-large", `request body exceeds ${limit} bytes`);
  try {
    return decodeStrict(read.bytes);
  } catch {
    throw new HttpError(400, "malformed-json", "request body is not valid UTF-8");
  }
}

/**
 * UTF-8 → string, throwing on any malformed sequence (WHATWG Encoding §10.1.1, fatal mode) and
 * dropping a leading BOM. In streaming mode a sequence split between pieces is carried over, and the
 * final flush throws on one left unfinished, so the result is exactly that of one decode call.
 */
function decodeStrict(bytes: Uint8Array): string {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  if (bytes.byteLength <= DECODE_PIECE) return decoder.decode(bytes);
  const pieces: string[] = [];
  for (let at = 0; at < bytes.byteLength; at += DECODE_PIECE) {
    pieces.push(decoder.decode(bytes.subarray(at, at + DECODE_PIECE), { stream: true }));
  }
  pieces.push(decoder.decode());
  return pieces.join("");
}
