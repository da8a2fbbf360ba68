import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { JsonValue } from "../../../schemas";
import type { CodeOutcome } from "../../invoke/run-code";
import { structured, toolError } from "./results";

/**
 * A code Run as an MCP tool result: the returned value (a handle to read in pages when it is larger
 * than the client's inline limit, as for execute), or an `isError` result naming what failed, where
 * (line and column), with the caller's own stack lines and the console output.
 */
export function codeResult(outcome: CodeOutcome, limit: number): CallToolResult {
  const brief: Record<string, JsonValue> = { runId: outcome.run.id, status: outcome.run.status };
  if (outcome.kind === "succeeded") {
    const text = JSON.stringify(outcome.value);
    const logs: Record<string, JsonValue> = outcome.logs.length ? { logs: outcome.logs } : {};
    if (text.length > limit) {
      return structured(
        { ...brief, resultHandle: outcome.run.id, resultChars: text.length, ...logs },
        `The result is ${text.length} characters; read it in pages with read_result {"runId":"${outcome.run.id}"}.`,
      );
    }
    return structured({ ...brief, result: outcome.value, ...logs }, text);
  }
  const { error } = outcome;
  const where: Record<string, JsonValue> = {};
  if (error.line !== undefined) where.line = error.line;
  if (error.column !== undefined) where.column = error.column;
  if (error.stack) where.stack = error.stack;
  if (outcome.kind === "failed" && outcome.logs.length) where.logs = outcome.logs;
  return toolError(error.code, error.message, { ...brief, ...where });
}
