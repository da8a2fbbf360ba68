import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { $ZodError } from "zod/v4/core";
import type { SideEffect } from "../../schemas";
import type { InvokeResult } from "../types";
import { PluginError } from "../types";
import { upstreamMessage } from "../shared/text";

type Failure = Extract<InvokeResult, { ok: false }>;

/**
 * Maps what the SDK throws onto the seam's error codes, by type and code, never by message text
 * (STYLE: one typed error per boundary). Upstream text is redacted and capped before it is kept.
 */
export function invokeFailure(
  error: unknown,
  signal: AbortSignal,
  sideEffect: SideEffect,
  secrets: readonly string[],
): Failure {
  // The platform's deadline passed: whatever the SDK reports after that is a consequence of the abort.
  // A timed-out write may still have happened upstream, so only reads are offered as retryable.
  if (signal.aborted || isAbort(error) || (error instanceof McpError && error.code === ErrorCode.RequestTimeout)) {
    return fail("timeout", "the MCP server did not answer before the deadline", sideEffect === "read");
  }
  if (error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0) {
    const status = error.code;
    const retryable = status >= 500 || status === 429;
    return fail("upstream_error", upstreamMessage(error.message, secrets), retryable, status);
  }
  if (error instanceof StreamableHTTPError || error instanceof $ZodError || error instanceof SyntaxError) {
    return fail("invalid_response", upstreamMessage(`unreadable MCP answer: ${messageOf(error)}`, secrets), false);
  }
  if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed) {
    return fail("upstream_error", upstreamMessage(error.message, secrets), false);
  }
  // fetch rejected (refused, DNS, TLS, egress guard) or the connection closed under us.
  return fail("upstream_unreachable", upstreamMessage(`MCP server unreachable: ${messageOf(error)}`, secrets), true);
}

/** The same classification for `resolveTools`, which reports through PluginError. */
export function resolveFailure(error: unknown): PluginError {
  if (error instanceof PluginError) return error;
  const text = upstreamMessage(messageOf(error), []);
  if (error instanceof StreamableHTTPError && (error.code === 401 || error.code === 403)) {
    // The seam passes no credential to resolveTools, so a server that guards tools/list cannot be listed.
    return new PluginError("unsupported", `the MCP server requires authentication to list its tools (HTTP ${error.code})`);
  }
  if (error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0) {
    return new PluginError("unreachable", `the MCP server answered HTTP ${error.code}: ${text}`);
  }
  if (error instanceof StreamableHTTPError || error instanceof $ZodError || error instanceof SyntaxError) {
    return new PluginError("invalid_document", `unreadable MCP answer: ${text}`);
  }
  if (error instanceof McpError && error.code !== ErrorCode.ConnectionClosed && error.code !== ErrorCode.RequestTimeout) {
    return new PluginError("invalid_document", `the MCP server refused to list tools: ${text}`);
  }
  return new PluginError("unreachable", `MCP server unreachable: ${text}`);
}

function fail(code: Failure["error"]["code"], message: string, retryable: boolean, status?: number): Failure {
  return { ok: false, error: status === undefined ? { code, message, retryable } : { code, message, retryable, status } };
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && (error.name === "AbortError" || error.name === "TimeoutError");
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    // fetch's TypeError hides the reason (ECONNREFUSED …) in `cause`.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}
