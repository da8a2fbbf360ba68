import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { logUnexpected } from "../../shared/log";

/** What an MCP client is told about an unexpected failure: nothing but the id to quote. */
export const INTERNAL_ERROR_MESSAGE = "an unexpected error occurred; quote the correlation id when reporting it";

/**
 * Wraps an MCP request handler so that an unexpected error leaves as an opaque JSON-RPC internal
 * error (-32603) carrying only a correlation id, logged as the HTTP error model logs (log.ts). The
 * SDK would otherwise send the thrown error's `message` to the client, and an internal message can
 * quote an upstream, a stack overflow or a secret (DESIGN invariant 1). An McpError is a protocol
 * answer the server meant to give (unknown tool, bad cursor, the SDK's own request checks): it passes.
 */
export function opaqueErrors<Args extends unknown[], Result>(
  correlationId: string,
  handler: (...args: Args) => Promise<Result>,
): (...args: Args) => Promise<Result> {
  return async (...args: Args): Promise<Result> => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof McpError) throw error;
      logUnexpected(correlationId, error);
      throw new McpError(ErrorCode.InternalError, INTERNAL_ERROR_MESSAGE, { correlationId });
    }
  };
}
