import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { JsonValue, Run } from "../../../schemas";
import type { CallOutcome } from "../../invoke/call";
import { HttpError } from "../../shared/problem";

/** Results longer than this (JSON characters) come back as a handle to read in pages. */
export const DEFAULT_INLINE_RESULT_CHARS = 16_000;

export function inlineLimit(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1_000 && n <= 1_000_000 ? n : DEFAULT_INLINE_RESULT_CHARS;
}

/** Structured content plus the same as text (MCP 2025-06-18 §Structured content: SHOULD also send text). */
export function structured(value: Record<string, JsonValue>, text?: string): CallToolResult {
  return { structuredContent: value, content: [{ type: "text", text: text ?? JSON.stringify(value) }] };
}

/** A tool execution error the model can read and act on (MCP: `isError`, not a protocol error). */
export function toolError(code: string, message: string, extra: Record<string, JsonValue> = {}): CallToolResult {
  return { isError: true, structuredContent: { error: { code, message }, ...extra }, content: [{ type: "text", text: `${code}: ${message}` }] };
}

function runBrief(run: Run): Record<string, JsonValue> {
  return { runId: run.id, status: run.status, address: run.address };
}

/** An invocation outcome as an MCP tool result. */
export function outcomeResult(outcome: CallOutcome, limit: number, approveAt?: string): CallToolResult {
  const { run } = outcome;
  switch (outcome.kind) {
    case "succeeded": {
      const text = JSON.stringify(outcome.value);
      if (text.length > limit) {
        return structured(
          { ...runBrief(run), resultHandle: run.id, resultChars: text.length },
          `The result is ${text.length} characters; read it in pages with read_result {"runId":"${run.id}"}.`,
        );
      }
      return structured({ ...runBrief(run), result: outcome.value }, text);
    }
    case "pending":
      return structured(
        { ...runBrief(run), reason: run.admission.reason.message, ...(approveAt ? { approveAt } : {}) },
        `Approval required: ${run.admission.reason.message} Run ${run.id} waits for a person to approve it${
          approveAt ? ` (they can review and decide at ${approveAt})` : ""
        }; check it with run_status {"runId":"${run.id}"}.`,
      );
    case "rejected": {
      const code = run.error?.code ?? run.admission.reason.code;
      const message = run.error?.message ?? run.admission.reason.message;
      return toolError(code, message, runBrief(run));
    }
    case "failed":
      return toolError(run.error?.code ?? "failed", run.error?.message ?? "the call failed", runBrief(run));
  }
}

/** Maps the gateway's HTTP errors (unknown address, malformed input) to tool errors. */
export function errorResult(error: unknown): CallToolResult {
  if (error instanceof HttpError) return toolError(error.type, error.message, error.extra.runId ? { runId: error.extra.runId } : {});
  throw error;
}
