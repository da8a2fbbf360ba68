import { z } from "zod";
import { readBounded } from "../../core/bytes";
import type { JsonObject, ToolDefinition } from "../../schemas";
import { placeCredential } from "../shared/credential";
import { upstreamMessage } from "../shared/text";
import type { Credential, InvokeContext, InvokeResult } from "../types";
import { parseGraphqlConfig } from "./config";
import { fail, mapGraphqlAnswer } from "./response";

/** As for OpenAPI answers: above this a result belongs in storage behind a handle, not in one isolate's memory. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/** What resolveTools stored in a tool's invocation. */
const GraphqlInvocation = z.object({
  kind: z.enum(["query", "mutation"]),
  field: z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/),
  document: z.string().min(1).max(1_000_000),
});

/**
 * POSTs the tool's stored document with the arguments as variables (GraphQL over HTTP §POST). The
 * credential goes on the wire as its template says and is redacted from whatever comes back
 * (DESIGN invariant 1).
 */
export async function invokeGraphqlTool(
  tool: ToolDefinition,
  args: JsonObject,
  credential: Credential | null,
  ctx: InvokeContext,
): Promise<InvokeResult> {
  const config = parseGraphqlConfig(ctx.config);
  if (!config.ok) return fail("invalid_arguments", "the source's GraphQL config is invalid", false);
  const invocation = GraphqlInvocation.safeParse(tool.invocation);
  if (!invocation.success) return fail("invalid_arguments", "the tool's invocation data is not a GraphQL operation", false);
  const placement = placeCredential(config.config.endpoint, config.config.headers, credential);
  if (!placement.ok) return fail("invalid_arguments", placement.message, false);
  const { url, headers, secrets } = placement.placed;
  try {
    const response = await ctx.fetch(url, {
      method: "POST",
      headers: {
        ...headers,
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json;q=0.9",
      },
      body: JSON.stringify({ query: invocation.data.document, variables: args }),
      signal: ctx.signal,
    });
    const body = await readBounded(response, MAX_RESPONSE_BYTES);
    if (!body.ok) return fail("invalid_response", `the GraphQL endpoint answered with more than ${MAX_RESPONSE_BYTES} bytes`, false, response.status);
    return mapGraphqlAnswer(response.status, new TextDecoder().decode(body.bytes), invocation.data.field, secrets);
  } catch (error) {
    // The platform's deadline passed (the fetch or the body read was aborted). A timed-out mutation may
    // still have happened upstream, so only reads are offered as retryable.
    if (ctx.signal.aborted || isAbort(error)) {
      return fail("timeout", "the GraphQL endpoint did not answer before the deadline", tool.sideEffect === "read");
    }
    // fetch rejected: refused, DNS, TLS, or the egress guard.
    return fail("upstream_unreachable", upstreamMessage(`GraphQL endpoint unreachable: ${describe(error)}`, secrets), true);
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && (error.name === "AbortError" || error.name === "TimeoutError");
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
