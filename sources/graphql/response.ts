import { JSON_LIMITS, describeBreach, parseJson } from "../../core/json";
import type { JsonValue } from "../../schemas";
import { JsonValue as JsonValueSchema } from "../../schemas";
import { redactJson, upstreamMessage } from "../shared/text";
import type { InvokeResult } from "../types";

type Failure = Extract<InvokeResult, { ok: false }>;

/**
 * Reads a GraphQL-over-HTTP answer. With `application/graphql-response+json` a server may answer a
 * request error with a 4xx and a GraphQL body, so the body is read first and the status second.
 *
 * - `data` with the field present: ok, value = `data[field]` (partial errors beside usable data are dropped).
 * - `errors` and no usable data: upstream_error with the first message, redacted and capped.
 * - No GraphQL body: the HTTP status decides (5xx and 429 retryable), else invalid_response.
 * - A body over the upstream JSON limits (core/json): invalid_response, whatever the status.
 */
export function mapGraphqlAnswer(status: number, text: string, field: string, secrets: readonly string[]): InvokeResult {
  // DESIGN invariant 10: an answer over the upstream limits fails the Run before it is built.
  const json = parseJson(text, JSON_LIMITS.upstream);
  if (!json.ok && json.reason === "limit") return fail("invalid_response", `the GraphQL answer ${describeBreach(json.breach)}`, false, status);
  const body = json.ok && isRecord(json.value) ? json.value : undefined;
  const data = body?.["data"];
  const value = isRecord(data) ? data[field] : undefined;
  const errors = body?.["errors"];
  const firstError = Array.isArray(errors) ? messageOf(errors[0]) : undefined;
  if (value !== undefined && (value !== null || firstError === undefined)) {
    const checked = JsonValueSchema.safeParse(value);
    if (!checked.success) return fail("invalid_response", "the GraphQL answer is not JSON", false, status);
    return { ok: true, value: redactJson<JsonValue>(checked.data, secrets), status };
  }
  const retryable = status >= 500 || status === 429;
  if (firstError !== undefined) return fail("upstream_error", upstreamMessage(firstError, secrets), retryable, status);
  if (status >= 400) return fail("upstream_error", `the GraphQL endpoint answered HTTP ${status}`, retryable, status);
  return fail("invalid_response", "the answer has neither data for the field nor errors", false, status);
}

function messageOf(error: unknown): string {
  return isRecord(error) && typeof error["message"] === "string" ? error["message"] : "the GraphQL endpoint reported an error";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function fail(code: Failure["error"]["code"], message: string, retryable: boolean, status?: number): Failure {
  return { ok: false, error: status === undefined ? { code, message, retryable } : { code, message, retryable, status } };
}
