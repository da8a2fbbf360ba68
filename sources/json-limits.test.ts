import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { JSON_LIMITS } from "../core/json";
import { nestedArraysText, nestedObjectsText } from "../core/testing/deep-json";
import { loadSchema } from "./graphql/introspect";
import { mapGraphqlAnswer } from "./graphql/response";
import { mapCallResult } from "./mcp/invoke";
import { mapListedTool } from "./mcp/map-tool";
import { parseDocument } from "./openapi/document";
import { readResult } from "./openapi/response";
import { MAX_YAML_DOCUMENT_BYTES } from "./openapi/yaml";
import { PluginError } from "./types";

// Every place a plugin takes JSON from outside (DESIGN invariant 10): upstream answers (OpenAPI,
// GraphQL, MCP), imported descriptions (OpenAPI JSON and YAML, GraphQL introspection, MCP listings).
const DEEP = 100_000;
const upstreamTooDeep = `nests deeper than ${JSON_LIMITS.upstream.depth} levels of arrays and objects`;
const documentTooDeep = `nests deeper than ${JSON_LIMITS.document.depth} levels`;

function refusal(run: () => unknown): PluginError {
  try {
    run();
  } catch (error) {
    if (error instanceof PluginError) return error;
    throw error;
  }
  throw new Error("expected a PluginError");
}

const jsonAnswer = (text: string): Response => new Response(text, { headers: { "content-type": "application/json" } });

describe("upstream answers over the upstream JSON limits fail as invalid_response", () => {
  it("OpenAPI: a 200 nested 100,000 deep", async () => {
    const result = await readResult(jsonAnswer(nestedObjectsText(DEEP)), "GET", []);
    expect(result).toEqual({ ok: false, error: { code: "invalid_response", message: `upstream answered 200 with JSON that ${upstreamTooDeep}`, retryable: false } });
  });

  it("OpenAPI: an answer exactly at the depth limit is still a result", async () => {
    const result = await readResult(jsonAnswer(nestedArraysText(JSON_LIMITS.upstream.depth)), "GET", []);
    expect(result.ok).toBe(true);
  });

  it("OpenAPI: a shallow answer with more values than the limit", async () => {
    const result = await readResult(jsonAnswer(`[${"0,".repeat(JSON_LIMITS.upstream.values)}0]`), "GET", []);
    expect(result).toMatchObject({ ok: false, error: { code: "invalid_response", message: expect.stringContaining(`more than ${JSON_LIMITS.upstream.values} JSON values`) } });
  });

  it("GraphQL: data nested 100,000 deep, whatever the status", () => {
    for (const status of [200, 500]) {
      const result = mapGraphqlAnswer(status, `{"data":{"f":${nestedObjectsText(DEEP)}}}`, "f", []);
      expect(result).toEqual({ ok: false, error: { code: "invalid_response", message: `the GraphQL answer ${upstreamTooDeep}`, retryable: false, status } });
    }
  });

  it("MCP: structuredContent nested 100,000 deep (already parsed by the SDK) is refused without recursing into it", () => {
    const result = mapCallResult({ content: [], structuredContent: JSON.parse(nestedObjectsText(DEEP)) as Record<string, unknown> } as CallToolResult, []);
    expect(result).toEqual({ ok: false, error: { code: "invalid_response", message: `the tool's result ${upstreamTooDeep}`, retryable: false } });
  });

  it("MCP: a result within the limits is kept", () => {
    expect(mapCallResult({ content: [], structuredContent: { a: [1, { b: 2 }] } } as CallToolResult, [])).toEqual({ ok: true, value: { a: [1, { b: 2 }] } });
  });
});

describe("descriptions over the document JSON limits are refused as invalid_document", () => {
  const openapi = (paths: string): string => `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":${paths}}`;

  it("OpenAPI JSON nested 100,000 deep", () => {
    const error = refusal(() => parseDocument(openapi(`{"/a":{"get":{"x":${nestedObjectsText(DEEP)}}}}`)));
    expect(error.code).toBe("invalid_document");
    expect(error.message).toBe(`the document ${documentTooDeep} of arrays and objects`);
  });

  it("OpenAPI JSON with more values than the limit, before it is parsed", () => {
    const error = refusal(() => parseDocument(openapi(`{"/a":{"get":{"x":[${"0,".repeat(JSON_LIMITS.document.values)}0]}}}`)));
    expect(error.message).toBe(`the document holds more than ${JSON_LIMITS.document.values} JSON values`);
  });

  it("OpenAPI YAML nested 100,000 deep in flow style, without the composer's stack overflow", () => {
    const yaml = `openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      x: ${"[".repeat(DEEP)}${"]".repeat(DEEP)}\n`;
    const error = refusal(() => parseDocument(yaml));
    expect(error.message).toBe(`the document ${documentTooDeep} of mappings and sequences`);
    expect(error.message).not.toMatch(/stack|Maximum call/i);
  });

  it("OpenAPI YAML nested past the limit in block style", () => {
    const lines = Array.from({ length: JSON_LIMITS.document.depth + 5 }, (_, i) => `${" ".repeat(i + 6)}k${i}:`);
    const yaml = `openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n${lines.join("\n")} 1\n`;
    expect(refusal(() => parseDocument(yaml)).message).toContain(documentTooDeep);
  });

  it("OpenAPI YAML whose aliases expand past the limit, though its text nests shallowly", () => {
    // Three aliases, each 90 levels deeper than the one it names: the CST nests 92 levels, the value 272.
    const levels = Array.from({ length: 3 }, (_, i) => `  l${i + 1}: &a${i + 1} ${"[".repeat(90)}*a${i}${"]".repeat(90)}`);
    const yaml = `openapi: 3.1.0\ninfo: {title: t, version: '1'}\nx-levels:\n  l0: &a0 [1]\n${levels.join("\n")}\npaths: {}\n`;
    expect(refusal(() => parseDocument(yaml)).message).toBe(`the document ${documentTooDeep} of arrays and objects`);
  });

  it("OpenAPI YAML over the YAML size cap, before it is parsed", () => {
    const yaml = `openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n# ${"x".repeat(MAX_YAML_DOCUMENT_BYTES)}\n`;
    expect(refusal(() => parseDocument(yaml)).message).toBe(
      `YAML documents are limited to ${MAX_YAML_DOCUMENT_BYTES} bytes; upload or serve this one as JSON`,
    );
  });

  it("GraphQL: an uploaded introspection result nested 100,000 deep", async () => {
    const document = `{"data":{"__schema":${nestedObjectsText(DEEP)}}}`;
    const error = await loadSchema({ endpoint: "https://g.example/graphql", headers: {}, maxDepth: 2 }, () => Promise.reject(new Error("unused")), document).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PluginError);
    expect((error as PluginError).message).toBe(`the schema document ${documentTooDeep} of arrays and objects`);
  });

  it("GraphQL: SDL with list types nested 100,000 deep is refused by the same scan, before graphql-js recurses into it", async () => {
    const sdl = `type Query { f: ${"[".repeat(DEEP)}String${"]".repeat(DEEP)} }`;
    const error = await loadSchema({ endpoint: "https://g.example/graphql", headers: {}, maxDepth: 2 }, () => Promise.reject(new Error("unused")), sdl).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as PluginError).message).toBe(`the schema document ${documentTooDeep} of arrays and objects`);
  });

  it("MCP: a listed tool whose inputSchema nests 100,000 deep loses that schema instead of failing the import", () => {
    const inputSchema = { type: "object", properties: { x: JSON.parse(nestedObjectsText(DEEP)) as unknown } };
    const mapped = mapListedTool({ name: "deep", inputSchema }, new Set());
    expect(mapped?.inputSchema).toEqual({ type: "object" });
  });
});
