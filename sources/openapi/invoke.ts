import type { JsonObject, ToolDefinition } from "../../schemas";
import { PluginError } from "../types";
import type { Credential, InvokeContext, InvokeResult } from "../types";
import { placeCredential } from "./credential";
import { Invocation } from "./invocation";
import { ArgumentError, buildRequest, finish } from "./request";
import type { RequestParts } from "./request";
import { fetchFailure, readResult } from "./response";

/**
 * One call: arguments placed per the tool's invocation data, the credential per its template, sent
 * through the platform's guarded fetch under its deadline, and the answer mapped to a result. Errors
 * are summaries we write; the credential never appears in one.
 */
export async function invokeTool(
  tool: ToolDefinition,
  args: JsonObject,
  credential: Credential | null,
  ctx: InvokeContext,
): Promise<InvokeResult> {
  const parsed = Invocation.safeParse(tool.invocation);
  if (!parsed.success) {
    // Stored data we wrote ourselves no longer reads back: a platform fault, not the caller's.
    throw new PluginError("unsupported", `tool ${tool.name} carries no valid OpenAPI invocation data`);
  }
  const invocation = parsed.data;

  let parts: RequestParts;
  try {
    parts = buildRequest(invocation, args);
  } catch (error) {
    if (error instanceof ArgumentError) {
      return { ok: false, error: { code: "invalid_arguments", message: error.message, retryable: false } };
    }
    throw error;
  }

  // draft-ietf-httpapi-idempotency-key-header: a key stable across retries of one Run lets an upstream
  // that honours it perform a non-idempotent request at most once.
  if (ctx.idempotencyKey !== undefined && !["GET", "HEAD", "OPTIONS"].includes(invocation.method.toUpperCase())) {
    parts.headers.set("idempotency-key", ctx.idempotencyKey);
  }
  const placed = await placeCredential(parts, credential, ctx);
  if (!placed.ok) return placed;
  const { url, init } = finish(placed.parts, ctx.signal);
  const origin = new URL(invocation.server).origin;

  let response: Response;
  try {
    response = await ctx.fetch(url, init);
  } catch (error) {
    return fetchFailure(error, ctx.signal, origin, tool.sideEffect === "read");
  }
  try {
    return await readResult(response, invocation.method, placed.secrets);
  } catch (error) {
    // The body stream failed midway: the deadline, or the connection dropping.
    return fetchFailure(error, ctx.signal, origin, tool.sideEffect === "read");
  }
}
