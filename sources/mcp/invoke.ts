import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { JSON_LIMITS, describeBreach, scanJsonValue } from "../../core/json";
import type { JsonObject, ToolDefinition } from "../../schemas";
import { JsonValue as JsonValueSchema } from "../../schemas";
import type { Credential, InvokeContext, InvokeResult } from "../types";
import { parseMcpConfig } from "./config";
import { withMcpClient } from "./connect";
import { placeCredential } from "../shared/credential";
import { invokeFailure } from "./errors";
import { McpInvocation } from "./map-tool";
import { redactJson, upstreamMessage } from "../shared/text";

/** Backstop for the SDK's per-request timer (its default is 60 s); the platform's signal is the real deadline. */
const CALL_TIMEOUT_MS = 15 * 60_000;

/**
 * Calls one tool by its upstream name (MCP 2025-06-18 §Tools, tools/call). The credential goes on the
 * wire as its template says and is redacted from everything that comes back (DESIGN invariant 1).
 */
export async function invokeMcpTool(
  tool: ToolDefinition,
  args: JsonObject,
  credential: Credential | null,
  ctx: InvokeContext,
): Promise<InvokeResult> {
  const config = parseMcpConfig(ctx.config);
  if (!config.ok) return invalid("the source's MCP config is invalid");
  const invocation = McpInvocation.safeParse(tool.invocation);
  if (!invocation.success) return invalid("the tool's invocation data does not name an MCP tool");
  const placement = placeCredential(config.config.url, config.config.headers, credential);
  if (!placement.ok) return invalid(placement.message);
  const { url, headers, secrets } = placement.placed;
  const options = { signal: ctx.signal, timeout: CALL_TIMEOUT_MS };
  try {
    return await withMcpClient({ url, headers }, ctx.fetch, options, async (client) => {
      const result = await client.callTool({ name: invocation.data.name, arguments: args }, undefined, options);
      return "content" in result ? mapCallResult(result as CallToolResult, secrets) : mapLegacy(result.toolResult, secrets);
    });
  } catch (error) {
    return invokeFailure(error, ctx.signal, tool.sideEffect, secrets);
  }
}

/**
 * `isError` is a tool-level failure the upstream reported in band (MCP §Tools, error handling): its text
 * becomes the message. Success is `structuredContent` when present, otherwise the content blocks.
 */
export function mapCallResult(result: CallToolResult, secrets: readonly string[]): InvokeResult {
  if (result.isError === true) {
    const text = result.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n");
    const message = upstreamMessage(text === "" ? "the tool reported an error" : text, secrets);
    return { ok: false, error: { code: "upstream_error", message, retryable: false } };
  }
  return toJson(result.structuredContent ?? { content: result.content }, secrets);
}

/** Protocol 2024-10-05 servers answer `{ toolResult }`; keep the value as it is. */
function mapLegacy(toolResult: unknown, secrets: readonly string[]): InvokeResult {
  return toJson(toolResult ?? null, secrets);
}

/**
 * Through JSON and back, then checked (a Run record holds JSON only: schemas/common.ts) and redacted.
 * The SDK has already parsed the answer, with no limits, so the upstream JSON limits are checked on
 * the value first, without recursion, before JSON.stringify or zod recurse into it (DESIGN invariant 10).
 */
function toJson(value: unknown, secrets: readonly string[]): InvokeResult {
  const breach = scanJsonValue(value, JSON_LIMITS.upstream);
  if (breach !== null) return unreadable(`the tool's result ${describeBreach(breach)}`);
  const text = JSON.stringify(value);
  if (text === undefined) return unreadable();
  const parsed = JsonValueSchema.safeParse(JSON.parse(text));
  return parsed.success ? { ok: true, value: redactJson(parsed.data, secrets) } : unreadable();
}

function invalid(message: string): InvokeResult {
  return { ok: false, error: { code: "invalid_arguments", message, retryable: false } };
}

function unreadable(message = "the tool's result is not JSON"): InvokeResult {
  return { ok: false, error: { code: "invalid_response", message, retryable: false } };
}
