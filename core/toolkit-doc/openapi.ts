import type { JsonObject, JsonValue, ToolkitSurface } from "../../schemas";
import { hoistSchema } from "./refs";

const PROBLEM_STATUSES = ["400", "401", "403", "404", "409", "413", "415", "422", "429", "502", "504"] as const;
const REASONS: Record<string, string> = {
  "400": "Malformed request", "401": "Missing or invalid API key", "403": "Refused (policy, origin or credential)",
  "404": "No such tool in this toolkit", "409": "Conflict (e.g. the tool changed since the promoted version)",
  "413": "Body too large", "415": "Not JSON", "422": "Arguments fail the tool's schema", "429": "Rate limit or quota reached",
  "502": "The upstream failed", "504": "The upstream timed out",
};

function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

/** Shared components: RFC 9457 problem details, the Run record subset, the resume references. */
function baseComponents(): Record<string, JsonValue> {
  return {
    Problem: {
      type: "object",
      description: "RFC 9457 problem details, as every refusal answers (application/problem+json).",
      required: ["type", "title", "status"],
      properties: {
        type: { type: "string" },
        title: { type: "string" },
        status: { type: "integer" },
        detail: { type: "string" },
        runId: { type: "string", description: "The Run recorded for a refused or failed call." },
        errors: { type: "array", items: { type: "object", required: ["path", "message"], properties: { path: { type: "string" }, message: { type: "string" } } } },
      },
    },
    Run: {
      type: "object",
      description: "The record of this call (GET /v1/runs/{id}).",
      required: ["id", "status", "address"],
      properties: {
        id: { type: "string" },
        status: { type: "string", enum: ["pending_approval", "queued", "running", "succeeded", "failed", "rejected", "denied", "expired", "cancelled"] },
        address: { type: "string" },
        createdAt: { type: "integer" },
        finishedAt: { type: ["integer", "null"] },
        error: { type: ["object", "null"], properties: { code: { type: "string" }, message: { type: "string" } } },
      },
    },
    Resume: {
      type: "object",
      description: "Where to follow a call that waits for a person's approval.",
      required: ["status", "approve", "deny", "link"],
      properties: { status: { type: "string" }, approve: { type: "string" }, deny: { type: "string" }, link: { type: "string" } },
    },
  };
}

function problemResponses(): JsonObject {
  const out: JsonObject = {};
  for (const status of PROBLEM_STATUSES) {
    const response: JsonObject = { description: REASONS[status] ?? "Refused", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } };
    if (status === "429") {
      response.headers = {
        "Retry-After": { schema: { type: "integer" }, description: "Seconds to wait (RFC 9110 §10.2.3)" },
        RateLimit: { schema: { type: "string" }, description: "What is left of each policy (draft-ietf-httpapi-ratelimit-headers)" },
        "RateLimit-Policy": { schema: { type: "string" }, description: "The policies in force" },
      };
    }
    out[status] = response;
  }
  return out;
}

/**
 * The OpenAPI 3.1 document of a toolkit's routes (issue 16): one POST per exposed tool with its
 * input as the request body and its output inside the 200 answer, the 202 of a gated call, and
 * every refusal as problem details; Bearer API keys. Deterministic, so its ETag changes exactly when
 * the tools, their schemas or the toolkit's version change.
 */
export function toolkitOpenApi(surface: ToolkitSurface): JsonObject {
  const components = baseComponents();
  const taken = new Set(Object.keys(components));
  const paths: JsonObject = {};
  for (const tool of [...surface.tools].sort((a, b) => a.operationId.localeCompare(b.operationId))) {
    const prefix = pascal(tool.operationId);
    const input = tool.inputSchema ? hoistSchema(tool.inputSchema, prefix, components, taken) : { type: "object" };
    const output = tool.outputSchema ? hoistSchema(tool.outputSchema, prefix, components, taken) : {};
    const parameters: JsonValue[] = [
      {
        name: "connection",
        in: "query",
        required: tool.defaultConnection === null && tool.connections.length > 1,
        description: tool.defaultConnection ? `Which connection to call through (default: ${tool.defaultConnection}).` : "Which connection to call through.",
        schema: { type: "string", enum: [...tool.connections] },
      },
      { name: "Idempotency-Key", in: "header", required: false, description: "Retries with the same key get the first call's Run, never a second call.", schema: { type: "string", maxLength: 200 } },
    ];
    paths[tool.path] = {
      post: {
        operationId: tool.operationId,
        summary: `${tool.source}: ${tool.name}`,
        description: `${tool.description}\n\nSide effect: ${tool.sideEffect}.`.trim(),
        tags: [tool.source],
        parameters,
        requestBody: { required: true, content: { "application/json": { schema: input } } },
        responses: {
          "200": {
            description: "The tool's result, and the Run that records the call",
            content: { "application/json": { schema: { type: "object", required: ["run", "result"], properties: { run: { $ref: "#/components/schemas/Run" }, result: output } } } },
          },
          "202": {
            description: "The call waits for a person's approval; poll the Run",
            headers: { Location: { schema: { type: "string" }, description: "The Run to poll" } },
            content: { "application/json": { schema: { type: "object", required: ["run", "resume"], properties: { run: { $ref: "#/components/schemas/Run" }, resume: { $ref: "#/components/schemas/Resume" } } } } },
          },
          ...problemResponses(),
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: surface.title,
      description: surface.description,
      version: String(surface.version),
      "x-executor-toolkit": { scope: surface.scope, slug: surface.slug, version: surface.version },
    },
    servers: [{ url: surface.origin }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An Executor API key (exk_…), ideally bound to this toolkit." } },
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
