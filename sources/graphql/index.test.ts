import { buildSchema, introspectionFromSchema, parse, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../schemas";
import { SourceManifest } from "../../schemas";
import type { Credential, InvokeContext, SourceContext } from "../types";
import { PluginError } from "../types";
import { graphqlPlugin } from "./index";
import type { GraphqlUpstream } from "./testing/upstream";
import { SDL, startGraphqlUpstream } from "./testing/upstream";

const TOKEN = "gql_s3cret-a1b2c3";
const bearer: Credential = { template: { type: "http", scheme: "bearer" }, secret: TOKEN };
const sourceCtx: SourceContext = { fetch: (url, init) => globalThis.fetch(url, init) };

let upstream: GraphqlUpstream;
beforeAll(async () => {
  upstream = await startGraphqlUpstream(TOKEN);
});
afterAll(async () => {
  await upstream.close();
});

function config(path = "/graphql", maxDepth = 2): { endpoint: string; maxDepth: number } {
  return { endpoint: `${upstream.origin}${path}`, maxDepth };
}

function invokeCtx(path = "/graphql", signal: AbortSignal = new AbortController().signal): InvokeContext {
  return { fetch: sourceCtx.fetch, config: config(path), signal };
}

async function resolve(maxDepth = 2): Promise<Map<string, ToolDefinition>> {
  const manifest = await graphqlPlugin.resolveTools(config("/graphql", maxDepth), sourceCtx);
  return new Map(manifest.tools.map((tool) => [tool.name, tool]));
}

function tool(tools: Map<string, ToolDefinition>, name: string): ToolDefinition {
  const found = tools.get(name);
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

function documentOf(definition: ToolDefinition): string {
  const document = definition.invocation["document"];
  if (typeof document !== "string") throw new Error("no document");
  return document;
}

describe("graphql config", () => {
  it("defaults maxDepth to 2 and refuses more than 5", () => {
    expect(graphqlPlugin.parseConfig({ endpoint: "https://api.example.com/graphql" })).toEqual({
      ok: true,
      config: { endpoint: "https://api.example.com/graphql", maxDepth: 2 },
    });
    expect(graphqlPlugin.parseConfig({ endpoint: "https://api.example.com/graphql", maxDepth: 6 })).toMatchObject({
      ok: false,
      errors: [{ path: "maxDepth" }],
    });
  });

  it("refuses a credential in static headers", () => {
    const parsed = graphqlPlugin.parseConfig({ endpoint: "https://api.example.com/graphql", headers: { cookie: "s=1" } });
    expect(parsed).toMatchObject({ ok: false, errors: [{ path: "headers.cookie" }] });
  });
});

describe("graphql resolveTools", () => {
  it("makes one read tool per query field and one write tool per mutation field", async () => {
    const manifest = await graphqlPlugin.resolveTools(config(), sourceCtx);
    expect(SourceManifest.parse(manifest)).toEqual(manifest);
    expect(manifest).toMatchObject({ kind: "graphql", auth: [{ type: "http", scheme: "bearer" }] });
    expect(manifest.tools.map((t) => `${t.name}:${t.sideEffect}`)).toEqual([
      "query_user:read",
      "query_users:read",
      "query_search:read",
      "query_node:read",
      "query_whoami:read",
      "query_boom:read",
      "query_empty:read",
      "query_old:read",
      "mutation_createUser:write",
      "mutation_deleteUser:destructive",
    ]);
  });

  it("takes descriptions from the schema, stripped of control characters", async () => {
    const tools = await resolve();
    expect(tool(tools, "query_user").description).toBe("Looks up one user by id.");
    expect(tool(tools, "query_users").description).toBe("Lists users.");
    expect(tool(tools, "query_whoami").description).toBe("GraphQL query whoami.");
    expect(tool(tools, "query_old").description).toContain("Deprecated: use whoami");
  });

  it("derives the input schema from the arguments: required, enums, input objects, lists, bounded recursion", async () => {
    const tools = await resolve();
    expect(tool(tools, "query_user").inputSchema).toEqual({
      type: "object",
      properties: { id: { type: "string" } },
      required: ["id"],
      additionalProperties: false,
    });
    const users = tool(tools, "query_users").inputSchema;
    expect(users).toMatchObject({
      properties: {
        first: { type: "integer" },
        role: { type: "string", enum: ["ADMIN", "MEMBER", "GUEST"] },
        filter: {
          type: "object",
          description: "Filters compose recursively.",
          properties: {
            and: { type: "array", items: { type: "object", description: "GraphQL input UserFilter (not expanded further)" } },
            not: { type: "object", description: "GraphQL input UserFilter (not expanded further)" },
          },
        },
      },
    });
    expect(users).not.toHaveProperty("required");
    expect(tool(tools, "mutation_createUser").inputSchema).toMatchObject({
      required: ["input"],
      properties: {
        input: {
          required: ["name"],
          properties: { tags: { type: "array", items: { type: "string" } }, address: { required: ["city"] } },
        },
      },
    });
  });

  it("generates valid documents with a selection set bounded by maxDepth", async () => {
    const schema = buildSchema(SDL);
    const tools = await resolve(2);
    for (const definition of tools.values()) expect(validate(schema, parse(documentOf(definition)))).toEqual([]);
    expect(documentOf(tool(tools, "query_user"))).toBe(
      "query($id: ID!) { user(id: $id) { id name role bestFriend { id name role } friends { id name role } } }",
    );
    const shallow = await resolve(1);
    expect(documentOf(tool(shallow, "query_user"))).toBe("query($id: ID!) { user(id: $id) { id name role } }");
  });

  it("selects __typename and inline fragments for unions and interfaces, __typename alone for nothing selectable", async () => {
    const tools = await resolve();
    expect(documentOf(tool(tools, "query_search"))).toBe(
      "query($term: String!) { search(term: $term) { __typename ... on User { id name role } ... on Post { id title } } }",
    );
    expect(documentOf(tool(tools, "query_node"))).toBe(
      "query($id: ID!) { node(id: $id) { id __typename ... on User { name role } ... on Post { title } } }",
    );
    expect(documentOf(tool(tools, "query_empty"))).toBe("query { empty { __typename } }");
  });

  it("gives the same hashes for the same schema and a new hash for a changed field", async () => {
    upstream.variant = "v1";
    const first = await resolve();
    const again = await resolve();
    upstream.variant = "v2";
    const changed = await resolve();
    upstream.variant = "v1";
    for (const [name, definition] of first) expect(tool(again, name).hash).toBe(definition.hash);
    expect(tool(changed, "query_user").hash).not.toBe(tool(first, "query_user").hash);
    expect(tool(changed, "query_users").hash).toBe(tool(first, "query_users").hash);
    expect((await resolve(3)).get("query_user")?.hash).not.toBe(tool(first, "query_user").hash);
  });

  it("reads the schema from an uploaded introspection result or SDL without calling the endpoint", async () => {
    const before = upstream.seen.length;
    const introspection = JSON.stringify({ data: introspectionFromSchema(buildSchema(SDL)) });
    const fromJson = await graphqlPlugin.resolveTools(config(), { ...sourceCtx, document: introspection });
    const fromSdl = await graphqlPlugin.resolveTools(config(), { ...sourceCtx, document: SDL });
    expect(upstream.seen.length).toBe(before);
    const live = [...(await resolve()).values()].map((t) => t.hash);
    expect(fromJson.tools.map((t) => t.hash)).toEqual(live);
    expect(fromSdl.tools.map((t) => t.name)).toEqual(fromJson.tools.map((t) => t.name));
    expect(fromSdl.title).toBe("Acme's people directory");
  });

  it("refuses an answer that is not an introspection result as invalid_document", async () => {
    await expect(graphqlPlugin.resolveTools(config("/html"), sourceCtx)).rejects.toMatchObject({ code: "invalid_document" });
  });

  it("reports an endpoint that requires a credential to introspect as unsupported", async () => {
    const error: unknown = await graphqlPlugin.resolveTools(config("/guarded"), sourceCtx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ code: "unsupported" });
  });

  it("reports a closed port as unreachable", async () => {
    const endpoint = await closedPortUrl();
    await expect(graphqlPlugin.resolveTools({ endpoint, maxDepth: 2 }, sourceCtx)).rejects.toMatchObject({ code: "unreachable" });
  });
});

describe("graphql invokeTool", () => {
  it("sends the document and variables with the bearer credential and returns data[field]", async () => {
    const tools = await resolve();
    const before = upstream.seen.length;
    const result = await graphqlPlugin.invokeTool(tool(tools, "query_user"), { id: "u2" }, bearer, invokeCtx());
    expect(result).toEqual({
      ok: true,
      status: 200,
      value: {
        id: "u2",
        name: "Bob",
        role: "MEMBER",
        bestFriend: { id: "u1", name: "Ada", role: "ADMIN" },
        friends: [{ id: "u1", name: "Ada", role: "ADMIN" }],
      },
    });
    const [request] = upstream.seen.slice(before);
    expect(request?.headers["authorization"]).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(request?.body ?? "{}")).toEqual({ query: documentOf(tool(tools, "query_user")), variables: { id: "u2" } });
  });

  it("passes input objects and enums to a mutation and lets omitted arguments take their defaults", async () => {
    const tools = await resolve();
    const created = await graphqlPlugin.invokeTool(tool(tools, "mutation_createUser"), { input: { name: "Cy" } }, bearer, invokeCtx());
    expect(created).toMatchObject({ ok: true, value: { id: "u3", name: "Cy", role: "MEMBER" } });
    const listed = await graphqlPlugin.invokeTool(tool(tools, "query_users"), { filter: { nameContains: "A" } }, bearer, invokeCtx());
    expect(listed).toMatchObject({ ok: true, value: [{ id: "u1", name: "Ada" }] });
  });

  it("returns union members through their inline fragments", async () => {
    const tools = await resolve();
    const result = await graphqlPlugin.invokeTool(tool(tools, "query_search"), { term: "x" }, bearer, invokeCtx());
    expect(result).toEqual({
      ok: true,
      status: 200,
      value: [
        { __typename: "User", id: "u1", name: "Ada", role: "ADMIN" },
        { __typename: "Post", id: "p1", title: "Hello" },
      ],
    });
  });

  it("places an apiKey credential in the header its template names", async () => {
    const tools = await resolve();
    const before = upstream.seen.length;
    const apiKey: Credential = { template: { type: "apiKey", in: "header", name: "X-Api-Key" }, secret: TOKEN };
    expect((await graphqlPlugin.invokeTool(tool(tools, "query_whoami"), {}, apiKey, invokeCtx())).ok).toBe(true);
    expect(upstream.seen[before]?.headers["x-api-key"]).toBe(TOKEN);
  });

  it("never returns the credential, even when the upstream echoes it", async () => {
    const tools = await resolve();
    const result = await graphqlPlugin.invokeTool(tool(tools, "query_whoami"), {}, bearer, invokeCtx());
    expect(result).toEqual({ ok: true, status: 200, value: "you are Bearer [redacted]" });
  });

  it("maps GraphQL errors without data to a non-retryable upstream_error with the secret removed", async () => {
    const tools = await resolve();
    const result = await graphqlPlugin.invokeTool(tool(tools, "query_boom"), {}, bearer, invokeCtx());
    expect(result).toEqual({
      ok: false,
      error: { code: "upstream_error", message: "kaput for Bearer [redacted]", status: 200, retryable: false },
    });
  });

  it("maps a validation error (wrong variable type) to upstream_error", async () => {
    const tools = await resolve();
    const result = await graphqlPlugin.invokeTool(tool(tools, "query_user"), { id: { not: "an id" } }, bearer, invokeCtx());
    expect(result).toMatchObject({ ok: false, error: { code: "upstream_error", retryable: false } });
  });

  it("reaches an endpoint that requires the credential", async () => {
    const tools = await resolve();
    const ok = await graphqlPlugin.invokeTool(tool(tools, "query_whoami"), {}, bearer, invokeCtx("/guarded"));
    expect(ok.ok).toBe(true);
    const denied = await graphqlPlugin.invokeTool(tool(tools, "query_whoami"), {}, null, invokeCtx("/guarded"));
    expect(denied).toMatchObject({ ok: false, error: { code: "upstream_error", status: 401, retryable: false } });
  });

  it("maps a 503 to a retryable upstream_error that does not carry the echoed secret", async () => {
    const tools = await resolve();
    const result = await graphqlPlugin.invokeTool(tool(tools, "query_whoami"), {}, bearer, invokeCtx("/down"));
    expect(result).toMatchObject({ ok: false, error: { code: "upstream_error", status: 503, retryable: true } });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it("maps a non-GraphQL 200 answer to invalid_response", async () => {
    const tools = await resolve();
    const result = await graphqlPlugin.invokeTool(tool(tools, "query_whoami"), {}, bearer, invokeCtx("/html"));
    expect(result).toMatchObject({ ok: false, error: { code: "invalid_response" } });
  });

  it("maps a refused connection to a retryable upstream_unreachable", async () => {
    const tools = await resolve();
    const ctx: InvokeContext = { ...invokeCtx(), config: { endpoint: await closedPortUrl() } };
    const result = await graphqlPlugin.invokeTool(tool(tools, "query_whoami"), {}, bearer, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: "upstream_unreachable", retryable: true } });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it("maps the platform's abort to timeout, retryable only for a read", async () => {
    const tools = await resolve();
    const read = await graphqlPlugin.invokeTool(tool(tools, "query_whoami"), {}, bearer, invokeCtx("/slow", AbortSignal.timeout(200)));
    expect(read).toMatchObject({ ok: false, error: { code: "timeout", retryable: true } });
    const write = await graphqlPlugin.invokeTool(tool(tools, "mutation_deleteUser"), { id: "u1" }, bearer, invokeCtx("/slow", AbortSignal.timeout(200)));
    expect(write).toMatchObject({ ok: false, error: { code: "timeout", retryable: false } });
  });
});

/** A loopback URL nothing listens on: bind an ephemeral port, then release it. */
async function closedPortUrl(): Promise<string> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return `http://127.0.0.1:${address.port}/graphql`;
}
