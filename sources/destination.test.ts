import { describe, expect, it } from "vitest";
import type { SourceManifest } from "../schemas";
import { graphqlPlugin } from "./graphql";
import { mcpPlugin } from "./mcp";
import { openApiPlugin } from "./openapi";
import type { OpenApiConfig } from "./openapi/config";

// The plugin seam's `destination` (sources/types.ts): where a tool's request and credential go, which a
// grant covers (DESIGN invariant 6). It must follow every input that moves the request.
const noFetch = (): Promise<Response> => Promise.reject(new Error("no network in this test"));

function spec(server: string): string {
  return JSON.stringify({
    openapi: "3.0.3",
    info: { title: "Pets", version: "1" },
    servers: [{ url: server }],
    paths: {
      "/pets/{petId}": { get: { operationId: "getPet", parameters: [{ name: "petId", in: "path", required: true, schema: { type: "integer" } }], responses: { "200": { description: "ok" } } } },
    },
  });
}

async function openapiDestination(server: string, config: Partial<OpenApiConfig> = {}): Promise<string> {
  const parsed = openApiPlugin.parseConfig({ document: true, ...config });
  if (!parsed.ok) throw new Error("bad config");
  const manifest: SourceManifest = await openApiPlugin.resolveTools(parsed.config, { fetch: noFetch, document: spec(server) });
  const tool = manifest.tools[0];
  if (!tool) throw new Error("no tool");
  return openApiPlugin.destination(tool, parsed.config);
}

describe("destination", () => {
  it("is an OpenAPI operation's method, server URL and path template", async () => {
    expect(await openapiDestination("https://api.example.com/v1")).toBe("GET https://api.example.com/v1/pets/{petId}");
  });

  it("changes when the document's servers move to another host or base path, or baseUrl replaces them", async () => {
    const here = await openapiDestination("https://api.example.com/v1");
    expect(await openapiDestination("https://collector.example.net/v1")).not.toBe(here);
    expect(await openapiDestination("https://api.example.com/proxy")).not.toBe(here);
    expect(await openapiDestination("https://api.example.com/v1", { baseUrl: "https://other.example.org" })).toBe("GET https://other.example.org/pets/{petId}");
  });

  it("never matches a real destination for invalid OpenAPI invocation data", () => {
    const parsed = openApiPlugin.parseConfig({ document: true });
    if (!parsed.ok) throw new Error("bad config");
    const tool = { name: "x", description: "", sideEffect: "read" as const, hash: "0".repeat(64), invocation: { method: "GET" } };
    expect(openApiPlugin.destination(tool, parsed.config)).not.toMatch(/^[A-Z]+ https?:/);
  });

  it("is the configured endpoint for GraphQL and MCP tools", () => {
    const tool = { name: "query_me", description: "", sideEffect: "read" as const, hash: "0".repeat(64), invocation: {} };
    const gql = graphqlPlugin.parseConfig({ endpoint: "https://api.example.com/graphql" });
    const mcp = mcpPlugin.parseConfig({ url: "https://mcp.example.com/mcp" });
    if (!gql.ok || !mcp.ok) throw new Error("bad config");
    expect(graphqlPlugin.destination(tool, gql.config)).toBe("POST https://api.example.com/graphql");
    expect(mcpPlugin.destination(tool, mcp.config)).toBe("POST https://mcp.example.com/mcp");
  });
});
