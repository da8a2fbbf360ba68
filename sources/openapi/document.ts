import { upgrade } from "@scalar/openapi-upgrader";
import { JSON_LIMITS, describeBreach, parseJson } from "../../core/json";
import type { JsonObject, JsonValue } from "../../schemas";
import { PluginError } from "../types";
import type { SourceContext } from "../types";
import type { OpenApiConfig } from "./config";
import { isObject } from "./json";
import { withoutUnreachableSchemas } from "./prune";
import { decodeText, readBounded } from "./read-body";
import { parseYamlDocument } from "./yaml";

/**
 * GitHub's complete description is 12.4 MiB (13 MB) of JSON. An upload is held as a two-byte string
 * when any character is above U+00FF, and travels whole in the catalog's 32 MiB RPC beside its tools
 * (workers/gateway/catalog/import-limits.ts), so 16 MiB leaves GitHub-sized documents room to grow
 * and still fits. YAML has its own, smaller cap (yaml.ts).
 */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** An OpenAPI 3.1 document (2.0 and 3.0 are upgraded on load), plus where it came from. */
export interface LoadedDocument {
  readonly root: JsonObject;
  /** The URL the document was fetched from: relative server URLs resolve against it. */
  readonly url?: string;
}

/** Fetches or takes the uploaded document, parses it, checks its version and upgrades it to 3.1. */
export async function loadDocument(config: OpenApiConfig, ctx: SourceContext): Promise<LoadedDocument> {
  const text = config.url !== undefined ? await fetchDocument(config.url, ctx) : uploadedDocument(ctx);
  const root = parseDocument(text);
  return config.url !== undefined ? { root, url: config.url } : { root };
}

async function fetchDocument(url: string, ctx: SourceContext): Promise<string> {
  let response: Response;
  try {
    response = await ctx.fetch(url, { headers: { accept: "application/json, application/yaml;q=0.9, */*;q=0.1" } });
  } catch {
    throw new PluginError("unreachable", `could not fetch the OpenAPI document from ${new URL(url).origin}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new PluginError("unreachable", `fetching the OpenAPI document answered HTTP ${response.status}`);
  }
  const body = await readBounded(response, MAX_DOCUMENT_BYTES);
  if (!body.ok) throw new PluginError("invalid_document", `the document is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  return decodeText(body.bytes);
}

function uploadedDocument(ctx: SourceContext): string {
  if (ctx.document === undefined) {
    throw new PluginError("invalid_document", "the config says the document was uploaded, but none was provided");
  }
  // A UTF-16 length is at most the UTF-8 byte length, so this never refuses what the fetch path accepts.
  if (ctx.document.length > MAX_DOCUMENT_BYTES) {
    throw new PluginError("invalid_document", `the document is larger than ${MAX_DOCUMENT_BYTES} bytes`);
  }
  return ctx.document.charCodeAt(0) === 0xfeff ? ctx.document.slice(1) : ctx.document;
}

/** Parses JSON or YAML text into an OpenAPI 3.1 document, refusing anything else precisely. */
export function parseDocument(text: string): JsonObject {
  const value = parseText(text);
  if (!isObject(value)) {
    throw new PluginError("invalid_document", `the document is ${describe(value)}, not an object`);
  }
  const version = checkVersion(value);
  const trimmed = trim(value);
  // The upgrade copies what it is given: a 3.0 document gives it only the schemas tools can reach.
  const upgraded = version === "3.1" ? trimmed : upgradeTo31(version === "3.0" ? withoutUnreachableSchemas(trimmed) : trimmed, version);
  checkPaths(upgraded);
  return upgraded;
}

function parseText(text: string): JsonValue {
  if (text.trim() === "") throw new PluginError("invalid_document", "the document is empty");
  // JSON first: YAML is a superset, but a YAML parse of a 13 MB JSON file costs far more memory.
  if (!/^\s*[{[]/.test(text)) return parseYamlDocument(text);
  // DESIGN invariant 10: the document limits are checked on the text, before anything is built.
  const json = parseJson(text, JSON_LIMITS.document);
  if (json.ok) return json.value;
  if (json.reason === "limit") throw new PluginError("invalid_document", `the document ${describeBreach(json.breach)}`);
  throw new PluginError("invalid_document", `the document is not valid JSON: ${json.message.slice(0, 200)}`);
}

function upgradeTo31(root: JsonObject, version: "2.0" | "3.0"): JsonObject {
  let upgraded: unknown;
  try {
    upgraded = upgrade(root, "3.1");
  } catch (error) {
    const reason = error instanceof Error ? error.message.slice(0, 200) : "unknown error";
    throw new PluginError("invalid_document", `the ${version} document could not be upgraded to OpenAPI 3.1: ${reason}`);
  }
  if (!isObject(upgraded)) throw new PluginError("invalid_document", `the ${version} document could not be upgraded to OpenAPI 3.1`);
  return upgraded;
}

function checkVersion(root: JsonObject): "2.0" | "3.0" | "3.1" {
  const { openapi, swagger } = root;
  if (openapi === undefined && swagger === undefined) {
    throw new PluginError("invalid_document", "the document has neither an `openapi` nor a `swagger` field; it is not an OpenAPI description");
  }
  if (openapi !== undefined) {
    if (typeof openapi !== "string") throw new PluginError("invalid_document", "the `openapi` field must be a version string such as \"3.1.0\"");
    if (/^3\.0\.\d+$/.test(openapi)) return "3.0";
    if (/^3\.1\.\d+$/.test(openapi)) return "3.1";
    throw new PluginError("invalid_document", `unsupported OpenAPI version "${openapi.slice(0, 32)}"; supported: 2.0, 3.0.x, 3.1.x`);
  }
  if (swagger === "2.0") return "2.0";
  throw new PluginError("invalid_document", `unsupported Swagger version "${String(swagger).slice(0, 32)}"; supported: 2.0, 3.0.x, 3.1.x`);
}

/**
 * Keeps only what tools are built from. Webhooks, tags and examples are dropped before the upgrade,
 * which copies the document: on GitHub's description this halves the work and the peak memory.
 */
function trim(root: JsonObject): JsonObject {
  const keep = ["openapi", "swagger", "info", "servers", "paths", "components", "security", "host", "basePath", "schemes"];
  const keep2 = ["consumes", "produces", "definitions", "parameters", "responses", "securityDefinitions"];
  const out: JsonObject = {};
  for (const key of [...keep, ...keep2]) {
    const value = root[key];
    if (value !== undefined) out[key] = value;
  }
  const components = root.components;
  if (isObject(components) && components.examples !== undefined) {
    const { examples: _examples, ...rest } = components;
    out.components = rest;
  }
  return out;
}

function checkPaths(root: JsonObject): void {
  const paths = root.paths;
  if (paths === undefined) throw new PluginError("invalid_document", "the document has no `paths`, so it describes no operations");
  if (!isObject(paths)) throw new PluginError("invalid_document", "the document's `paths` is not an object");
  if (Object.keys(paths).length === 0) throw new PluginError("invalid_document", "the document's `paths` is empty, so it describes no operations");
}

function describe(value: JsonValue): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
