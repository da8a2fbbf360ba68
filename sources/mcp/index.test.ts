import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolDefinition } from "../../schemas";
import { SourceManifest } from "../../schemas";
import type { Credential, InvokeContext, SourceContext } from "../types";
import { PluginError } from "../types";
import { mcpPlugin } from "./index";
import type { McpUpstream } from "./testing/upstream";
import { PAGED_TOOLS, startMcpUpstream } from "./testing/upstream";

const TOKEN = "tok_s3cret-9f8e7d";
const bearer: Credential = { template: { type: "http", scheme: "bearer" }, secret: TOKEN };
const sourceCtx: SourceContext = { fetch: (url, init) => globalThis.fetch(url, init) };

let upstream: McpUpstream;
beforeAll(async () => {
  upstream = await startMcpUpstream(TOKEN);
});
afterAll(async () => {
  await upstream.close();
});

function config(path: string): { url: string } {
  return { url: `${upstream.origin}${path}` };
}

function invokeCtx(path: string, signal: AbortSignal = new AbortController().signal): InvokeContext {
  return { fetch: sourceCtx.fetch, config: config(path), signal };
}

async function resolve(path: string): Promise<Map<string, ToolDefinition>> {
  const manifest = await mcpPlugin.resolveTools(config(path), sourceCtx);
  return new Map(manifest.tools.map((tool) => [tool.name, tool]));
}

function tool(tools: Map<string, ToolDefinition>, name: string): ToolDefinition {
  const found = tools.get(name);
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

describe("mcp config", () => {
  it("accepts an endpoint URL with static headers", () => {
    expect(mcpPlugin.parseConfig({ url: "https://mcp.example.com/mcp", headers: { "X-Team": "web" } }).ok).toBe(true);
  });

  it("refuses a credential header in config, naming the field", () => {
    const parsed = mcpPlugin.parseConfig({ url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer x" } });
    expect(parsed).toMatchObject({ ok: false, errors: [{ path: "headers.Authorization" }] });
  });

  it("refuses a URL that is not http(s) and unknown members", () => {
    expect(mcpPlugin.parseConfig({ url: "ftp://mcp.example.com" }).ok).toBe(false);
    expect(mcpPlugin.parseConfig({ url: "https://mcp.example.com", extra: 1 }).ok).toBe(false);
  });
});

describe("mcp resolveTools", () => {
  it("maps every tool to a valid manifest entry, classing all as destructive whatever the upstream's annotations say", async () => {
    const manifest = await mcpPlugin.resolveTools(config("/mcp"), sourceCtx);
    expect(SourceManifest.parse(manifest)).toEqual(manifest);
    expect(manifest.kind).toBe("mcp");
    expect(manifest.title).toBe("Acme Tools");
    expect(manifest.auth).toEqual([{ type: "http", scheme: "bearer" }]);
    const tools = new Map(manifest.tools.map((t) => [t.name, t]));
    // Upstream annotations never influence policy: a server claiming readOnlyHint gets no free pass.
    for (const name of ["get_weather", "delete_file", "whoami"]) expect(tool(tools, name).sideEffect).toBe("destructive");
    expect(tool(tools, "get_weather").invocation).toMatchObject({ hints: { readOnlyHint: true } });
    expect(tool(tools, "get_weather").inputSchema).toMatchObject({ type: "object", properties: { city: { type: "string" } } });
    expect(tool(tools, "get_weather").invocation).toMatchObject({ name: "get_weather" });
  });

  it("keeps an output schema and caps and cleans untrusted descriptions", async () => {
    const tools = await resolve("/mcp");
    expect(tool(tools, "stats").outputSchema).toMatchObject({ type: "object", properties: { count: { type: "number" } } });
    expect(tool(tools, "stats").description.length).toBeLessThanOrEqual(2048);
    expect(tool(tools, "delete_file").description).toBe("Deletes a file for good.");
  });

  it("follows nextCursor across pages and sanitizes names while keeping the original for the call", async () => {
    const progress: number[] = [];
    const manifest = await mcpPlugin.resolveTools(config("/paged"), { ...sourceCtx, progress: (n) => progress.push(n) });
    expect(manifest.tools.map((t) => t.name)).toEqual(["alpha", "beta", "gamma", "delta", "weird_name_", "_-dash", "alpha_"]);
    expect(manifest.tools.map((t) => t.invocation["name"])).toEqual([...PAGED_TOOLS]);
    expect(progress).toEqual([3, 6, 7]);
  });

  it("invokes a tool by its original upstream name", async () => {
    const tools = await resolve("/paged");
    const result = await mcpPlugin.invokeTool(tool(tools, "weird_name_"), {}, null, invokeCtx("/paged"));
    expect(result).toEqual({ ok: true, value: { content: [{ type: "text", text: "called weird name!" }] } });
  });

  it("fails instead of looping when the server repeats a cursor", async () => {
    await expect(mcpPlugin.resolveTools(config("/loop"), sourceCtx)).rejects.toMatchObject({ code: "invalid_document" });
  });

  it("gives the same hashes for the same upstream and a new hash for a changed definition", async () => {
    upstream.variant = "v1";
    const first = await resolve("/mcp");
    const again = await resolve("/mcp");
    upstream.variant = "v2";
    const changed = await resolve("/mcp");
    upstream.variant = "v1";
    for (const [name, definition] of first) expect(tool(again, name).hash).toBe(definition.hash);
    expect(tool(changed, "get_weather").hash).not.toBe(tool(first, "get_weather").hash);
    expect(tool(changed, "delete_file").hash).toBe(tool(first, "delete_file").hash);
  });

  it("reports a server that requires a credential to list tools as unsupported", async () => {
    const error: unknown = await mcpPlugin.resolveTools(config("/guarded"), sourceCtx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PluginError);
    expect(error).toMatchObject({ code: "unsupported" });
  });

  it("reports a closed port as unreachable", async () => {
    const url = await closedPortUrl();
    await expect(mcpPlugin.resolveTools({ url }, sourceCtx)).rejects.toMatchObject({ code: "unreachable" });
  });
});

describe("mcp invokeTool", () => {
  it("sends the bearer credential to the upstream and returns the text content", async () => {
    const tools = await resolve("/mcp");
    const before = upstream.seen.length;
    const result = await mcpPlugin.invokeTool(tool(tools, "get_weather"), { city: "Oslo" }, bearer, invokeCtx("/mcp"));
    expect(result).toEqual({ ok: true, value: { content: [{ type: "text", text: "sunny in Oslo" }] } });
    const posts = upstream.seen.slice(before).filter((r) => r.method === "POST");
    expect(posts.length).toBeGreaterThan(0);
    for (const request of posts) expect(request.headers["authorization"]).toBe(`Bearer ${TOKEN}`);
  });

  it("places an apiKey credential in the header its template names", async () => {
    const tools = await resolve("/mcp");
    const before = upstream.seen.length;
    const apiKey: Credential = { template: { type: "apiKey", in: "header", name: "X-Api-Key" }, secret: TOKEN };
    const result = await mcpPlugin.invokeTool(tool(tools, "get_weather"), { city: "Rome" }, apiKey, invokeCtx("/mcp"));
    expect(result.ok).toBe(true);
    expect(upstream.seen.slice(before).every((r) => r.headers["x-api-key"] === TOKEN)).toBe(true);
  });

  it("returns structuredContent as the value and never echoes the credential", async () => {
    const tools = await resolve("/mcp");
    const result = await mcpPlugin.invokeTool(tool(tools, "stats"), {}, bearer, invokeCtx("/mcp"));
    expect(result).toEqual({ ok: true, value: { count: 3, owner: "Bearer [redacted]" } });
    const echoed = await mcpPlugin.invokeTool(tool(tools, "whoami"), {}, bearer, invokeCtx("/mcp"));
    expect(JSON.stringify(echoed)).not.toContain(TOKEN);
  });

  it("maps isError to a non-retryable upstream_error whose message has the secret removed", async () => {
    const tools = await resolve("/mcp");
    const result = await mcpPlugin.invokeTool(tool(tools, "fail_always"), {}, bearer, invokeCtx("/mcp"));
    expect(result).toEqual({
      ok: false,
      error: { code: "upstream_error", message: "denied for Bearer [redacted]", retryable: false },
    });
  });

  it("reaches a server that requires the credential on every request", async () => {
    const tools = await resolve("/mcp");
    const result = await mcpPlugin.invokeTool(tool(tools, "whoami"), {}, bearer, invokeCtx("/guarded"));
    expect(result).toEqual({ ok: true, value: { content: [{ type: "text", text: "you are Bearer [redacted]" }] } });
  });

  it("maps a 503 to a retryable upstream_error without the secret the body echoed", async () => {
    const tools = await resolve("/mcp");
    const result = await mcpPlugin.invokeTool(tool(tools, "whoami"), {}, bearer, invokeCtx("/down"));
    expect(result).toMatchObject({ ok: false, error: { code: "upstream_error", status: 503, retryable: true } });
    expect(JSON.stringify(result)).not.toContain(TOKEN);
  });

  it("maps a 401 to a non-retryable upstream_error", async () => {
    const tools = await resolve("/mcp");
    const wrong: Credential = { template: { type: "http", scheme: "bearer" }, secret: "not-the-token" };
    const result = await mcpPlugin.invokeTool(tool(tools, "whoami"), {}, wrong, invokeCtx("/guarded"));
    expect(result).toMatchObject({ ok: false, error: { code: "upstream_error", status: 401, retryable: false } });
  });

  it("maps a refused connection to a retryable upstream_unreachable", async () => {
    const tools = await resolve("/mcp");
    const ctx: InvokeContext = { ...invokeCtx("/mcp"), config: { url: await closedPortUrl() } };
    const result = await mcpPlugin.invokeTool(tool(tools, "whoami"), {}, bearer, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: "upstream_unreachable", retryable: true } });
  });

  it("maps the platform's abort to timeout", async () => {
    const tools = await resolve("/mcp");
    const started = Date.now();
    const result = await mcpPlugin.invokeTool(tool(tools, "slow"), {}, bearer, invokeCtx("/mcp", AbortSignal.timeout(300)));
    expect(result).toMatchObject({ ok: false, error: { code: "timeout", retryable: false } });
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it("refuses invocation data that names no tool", async () => {
    const tools = await resolve("/mcp");
    const broken = { ...tool(tools, "whoami"), invocation: {} };
    const result = await mcpPlugin.invokeTool(broken, {}, bearer, invokeCtx("/mcp"));
    expect(result).toMatchObject({ ok: false, error: { code: "invalid_arguments" } });
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
  return `http://127.0.0.1:${address.port}/mcp`;
}
