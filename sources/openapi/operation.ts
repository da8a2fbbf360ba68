import type { JsonObject, JsonValue, SideEffect, ToolDefinition } from "../../schemas";
import type { OpenApiConfig } from "./config";
import type { HttpMethod, Invocation } from "./invocation";
import { invocationJson } from "./invocation";
import { cleanText, isObject, stringAt } from "./json";
import { requestBody, successResponse } from "./media";
import { collectParameters } from "./parameters";
import type { SchemaRegistry } from "./schemas";
import { serverUrl } from "./servers";

/** Path item fields that are operations (OAS 3.1 §4.8.9.1), in the order tools are listed. */
export const METHODS: readonly HttpMethod[] = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"];

export const MAX_DESCRIPTION = 1024;

export interface OperationSite {
  readonly path: string;
  readonly method: HttpMethod;
  readonly pathItem: JsonObject;
  readonly operation: JsonObject;
}

export interface BuildContext {
  readonly root: JsonObject;
  readonly registry: SchemaRegistry;
  readonly config: OpenApiConfig;
  readonly documentUrl: string | undefined;
}

/** DESIGN §2: reads are safe, DELETE is destructive (and so needs approval by default), the rest write. */
export function sideEffectOf(method: HttpMethod): SideEffect {
  if (method === "GET" || method === "HEAD" || method === "OPTIONS" || method === "TRACE") return "read";
  return method === "DELETE" ? "destructive" : "write";
}

/**
 * One operation as a tool. Input schema shape, the same for every tool: an object with one property
 * per parameter (path, query, header, cookie, keyed by the parameter's name) and, when the operation
 * takes a request body, the whole body under the `body` property — never merged with the parameters,
 * so a body field can never collide with a parameter and non-object bodies need no special case.
 */
export function buildTool(name: string, site: OperationSite, ctx: BuildContext): Omit<ToolDefinition, "hash"> {
  const { path, method, pathItem, operation } = site;
  const where = `paths.${path}.${method.toLowerCase()}`;
  const server = serverUrl([operation.servers, pathItem.servers, ctx.root.servers], ctx.config, ctx.documentUrl, where);
  const body = requestBody(ctx.root, operation.requestBody, where);

  const inputRefs = new Set<string>();
  const params = collectParameters(
    ctx.root,
    ctx.registry,
    path,
    [
      { list: pathItem.parameters, where: `paths.${path}` },
      { list: operation.parameters, where },
    ],
    new Set(body === undefined ? [] : ["body"]),
    inputRefs,
  );
  const properties: JsonObject = { ...params.properties };
  const required = [...params.required];
  if (body !== undefined) {
    properties.body = withDescription(ctx.registry.rewrite(body.schema, inputRefs), body.description);
    if (body.required) required.push("body");
  }
  const inputSchema: JsonObject = { type: "object", properties, additionalProperties: false };
  if (required.length > 0) inputSchema.required = required;
  const inputDefs = ctx.registry.definitions(inputRefs);
  if (inputDefs !== undefined) inputSchema.$defs = inputDefs;

  const success = successResponse(ctx.root, operation.responses, where);
  const output = success === undefined ? undefined : boundedOutput(ctx.registry, success.schema);
  const outputSchema = output?.schema;

  const invocation: Invocation = { method, path, server, params: params.params };
  if (body !== undefined) {
    invocation.body = { mediaType: body.mediaType, kind: body.kind };
    if (body.required) invocation.body.required = true;
  }
  if (success !== undefined) invocation.accept = success.mediaType;

  const definition: Omit<ToolDefinition, "hash"> = {
    name,
    description: output?.omitted ? [describe(operation), `(${output.omitted})`].filter((p) => p !== "").join("\n\n") : describe(operation),
    inputSchema,
    sideEffect: sideEffectOf(method),
    invocation: invocationJson(invocation),
  };
  if (outputSchema !== undefined) definition.outputSchema = outputSchema;
  return definition;
}

/** The request body's own description on the `body` property, unless its schema has one. */
function withDescription(schema: JsonValue, description: string | undefined): JsonValue {
  const text = description === undefined ? "" : cleanText(description, 1024);
  if (text === "" || !isObject(schema) || schema.description !== undefined) return schema;
  return { ...schema, description: text };
}

/** A response schema with the `$defs` it needs; a non-object root (`true`) is wrapped in `allOf`. */
/**
 * Output schemas larger than this are left out (the tool still imports and its result is returned
 * as is; its declarations say `unknown`): a tool's output is the transitive closure of what its
 * response references, which for a densely linked spec is the whole component graph per tool
 * (Stripe: ~670 KB for 280 of its 452 operations, 176 MB in all). GitHub's largest is ~84 KB.
 */
export const MAX_OUTPUT_SCHEMA_CHARS = 128 * 1024;

function boundedOutput(registry: SchemaRegistry, schema: JsonValue): { schema?: JsonObject; omitted?: string } {
  const refs = new Set<string>();
  const rewritten = registry.rewrite(schema, refs);
  const chars = JSON.stringify(rewritten).length + registry.definitionsChars(refs);
  if (chars > MAX_OUTPUT_SCHEMA_CHARS) {
    return { omitted: `Output schema left out: ${Math.round(chars / 1024)} KB of JSON Schema, over the ${MAX_OUTPUT_SCHEMA_CHARS / 1024} KB kept per tool.` };
  }
  return { schema: closed(registry, rewritten, refs) };
}

/** A rewritten schema with the `$defs` its references need. */
function closed(registry: SchemaRegistry, rewritten: JsonValue, refs: ReadonlySet<string>): JsonObject {
  const out: JsonObject = isObject(rewritten) ? { ...rewritten } : { allOf: [rewritten] };
  const defs = registry.definitions(refs);
  if (defs !== undefined) out.$defs = isObject(out.$defs) ? { ...out.$defs, ...defs } : defs;
  return out;
}

/** Summary, then description, control characters stripped and capped; deprecation said up front. */
function describe(operation: JsonObject): string {
  const summary = stringAt(operation.summary)?.trim() ?? "";
  const details = stringAt(operation.description)?.trim() ?? "";
  const parts = [summary, details === summary ? "" : details].filter((p) => p !== "");
  const text = parts.join("\n\n");
  return cleanText(operation.deprecated === true ? `(deprecated) ${text}` : text, MAX_DESCRIPTION);
}
