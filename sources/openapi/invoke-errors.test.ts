import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { guardedFetch } from "../../core/egress";
import type { AuthTemplate, ToolDefinition } from "../../schemas";
import type { Credential, InvokeContext, InvokeResult } from "../types";
import type { Loopback } from "./fixtures/loopback-server";
import { closedPort, startLoopback } from "./fixtures/loopback-server";
import { openApiPlugin } from "./index";

let server: Loopback;
beforeAll(async () => {
  server = await startLoopback();
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
});

const SECRET = "sk_live_Zx9-very-secret";

const document = JSON.stringify({
  openapi: "3.1.0",
  info: { title: "Errors", version: "1" },
  servers: [{ url: "https://unused.example.com" }],
  paths: {
    "/things/{id}": {
      get: { operationId: "getThing", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: {} },
      head: { operationId: "headThing", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: {} },
      post: { operationId: "postThing", parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: {} },
    },
  },
});

async function tool(baseUrl: string, name: string): Promise<ToolDefinition> {
  const m = await openApiPlugin.resolveTools({ document: true, baseUrl }, { fetch: () => Promise.reject(new Error("unused")), document });
  const found = m.tools.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

async function call(
  name: string,
  credential: Credential | null = null,
  signal: AbortSignal = AbortSignal.timeout(5_000),
  baseUrl = server.url,
  fetch: InvokeContext["fetch"] = globalThis.fetch,
): Promise<InvokeResult> {
  const ctx: InvokeContext = { fetch, config: {}, signal };
  return openApiPlugin.invokeTool(await tool(baseUrl, name), { id: "1" }, credential, ctx);
}

const bearer: Credential = { template: { type: "http", scheme: "bearer" }, secret: SECRET };

describe("upstream failures map to typed errors", () => {
  it("404 is a non-retryable upstream_error with our own summary", async () => {
    server.handle(() => ({ status: 404, headers: { "content-type": "application/json" }, body: '{"message":"Not Found"}' }));
    expect(await call("getThing", bearer)).toEqual({
      ok: false,
      error: { code: "upstream_error", status: 404, message: 'upstream answered 404 Not Found: {"message":"Not Found"}', retryable: false },
    });
  });

  it("500 and 429 are retryable", async () => {
    server.handle(() => ({ status: 500, body: "" }));
    expect(await call("getThing")).toEqual({
      ok: false,
      error: { code: "upstream_error", status: 500, message: "upstream answered 500 Internal Server Error", retryable: true },
    });
    server.handle(() => ({ status: 429, body: "slow down" }));
    expect(await call("getThing")).toMatchObject({ ok: false, error: { status: 429, retryable: true } });
  });

  it("never repeats response headers or the upstream's status text", async () => {
    server.handle(() => ({ status: 403, headers: { "x-debug": "header-value-leak", "content-type": "text/plain" }, body: "" }));
    const result = await call("getThing", bearer);
    expect(result).toMatchObject({ ok: false, error: { message: "upstream answered 403 Forbidden" } });
    expect(JSON.stringify(result)).not.toContain("header-value-leak");
  });

  it("removes every form of the secret from an echoed body and caps the excerpt", async () => {
    const echoes = [SECRET, SECRET.toUpperCase(), encodeURIComponent(SECRET), `Bearer ${SECRET}`, "pad ".repeat(300)].join(" | ");
    server.handle(() => ({ status: 401, headers: { "content-type": "text/plain" }, body: echoes }));
    const result = await call("getThing", bearer);
    const text = JSON.stringify(result);
    expect(text.toLowerCase()).not.toContain(SECRET.toLowerCase());
    expect(text).toContain("[redacted]");
    if (result.ok) throw new Error("expected a failure");
    expect(result.error.message.length).toBeLessThanOrEqual("upstream answered 401 Unauthorized: ".length + 500);
  });

  it("removes the password and its base64 form for basic credentials", async () => {
    const secret = "ada:Pa55-word!";
    const basic = Buffer.from(secret).toString("base64");
    server.handle((r) => ({ status: 400, body: `got ${String(r.headers.authorization)} for ${secret}; password=Pa55-word!` }));
    const result = await call("getThing", { template: { type: "http", scheme: "basic" }, secret });
    const text = JSON.stringify(result);
    expect(text).not.toContain("Pa55-word!");
    expect(text).not.toContain(basic);
  });

  it("removes an apiKey echoed back from the query string", async () => {
    const template: AuthTemplate = { type: "apiKey", in: "query", name: "key" };
    server.handle((r) => ({ status: 400, body: `bad request to ${r.target}` }));
    const result = await call("getThing", { template, secret: "a b+c/d" });
    expect(JSON.stringify(result)).not.toMatch(/a%20b%2Bc%2Fd|a b\+c\/d/);
  });

  it("a connection refused on a closed port is upstream_unreachable and retryable", async () => {
    const port = await closedPort();
    expect(await call("getThing", bearer, AbortSignal.timeout(5_000), `http://127.0.0.1:${port}`)).toEqual({
      ok: false,
      error: { code: "upstream_unreachable", message: `could not reach http://127.0.0.1:${port}`, retryable: true },
    });
  });

  it("the platform's deadline is a timeout, retryable only for reads", async () => {
    server.handle(() => "hang");
    expect(await call("getThing", null, AbortSignal.timeout(200))).toEqual({
      ok: false,
      error: { code: "timeout", message: `${server.url} did not answer before the deadline`, retryable: true },
    });
    expect(await call("postThing", null, AbortSignal.timeout(200))).toMatchObject({ ok: false, error: { code: "timeout", retryable: false } });
  });

  it("malformed JSON in a 2xx answer is invalid_response", async () => {
    server.handle(() => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"half":' }));
    expect(await call("getThing")).toEqual({
      ok: false,
      error: { code: "invalid_response", message: "upstream answered 200 with a body that is not valid JSON", retryable: false },
    });
  });

  it("HEAD answers null, and binary answers come back as base64", async () => {
    server.handle(() => ({ status: 200, headers: { "content-type": "application/json" } }));
    expect(await call("headThing")).toEqual({ ok: true, value: null, status: 200 });
    server.handle(() => ({ status: 200, headers: { "content-type": "image/png" }, body: "\u0089PNG" }));
    expect(await call("getThing")).toEqual({
      ok: true,
      value: { contentType: "image/png", size: 5, base64: Buffer.from("\u0089PNG").toString("base64") },
      status: 200,
    });
  });

  it("through the platform's egress guard: loopback allowed in development, refused (finally) otherwise", async () => {
    server.handle(() => ({ status: 200, headers: { "content-type": "application/json" }, body: "{}" }));
    const dev = guardedFetch(globalThis.fetch, { allowLoopbackHttp: true });
    expect(await call("getThing", bearer, AbortSignal.timeout(5_000), server.url, dev)).toEqual({ ok: true, value: {}, status: 200 });
    expect(server.received).toHaveLength(1);
    const prod = guardedFetch(globalThis.fetch, { allowLoopbackHttp: false });
    const refused = await call("getThing", bearer, AbortSignal.timeout(5_000), server.url, prod);
    expect(refused).toMatchObject({ ok: false, error: { code: "upstream_unreachable", retryable: false } });
    expect(server.received).toHaveLength(1);
  });
});
