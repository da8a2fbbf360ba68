import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { JSON_LIMITS } from "../../core/json";
import type { Upstream } from "../e2e/upstreams/http-server";
import { json, serve } from "../e2e/upstreams/http-server";
import type { Api } from "./catalog-helpers";
import { apiClient, bearerHeaders, connect } from "./catalog-helpers";
import { MCP_ACCEPT, createApiKey, signUp, usePlatform } from "./helpers";

// DESIGN invariant 10 at every JSON boundary of the running platform: what a client sends (/v1,
// /mcp), what an upstream answers, and what an import uploads. Each attack is refused with a clear
// error naming its limit, never a 500 or an engine message, and leaves nothing recorded.
const DEEP = 100_000;
const nested = (depth: number): string => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const requestDepth = `deeper than ${JSON_LIMITS.request.depth} levels of arrays and objects`;
const ENGINE = /stack|Maximum call|RangeError/i;

/** An API that answers /deep with JSON nested 100,000 deep, and describes itself at /openapi.json. */
async function startDeepApi(): Promise<Upstream> {
  let base = "";
  const upstream = await serve((req, res) => {
    if (req.path === "/openapi.json") {
      return json(res, 200, {
        openapi: "3.1.0",
        info: { title: "Deep", version: "1" },
        servers: [{ url: base }],
        paths: {
          "/deep": { get: { operationId: "getDeep", responses: { "200": { description: "ok" } } } },
          "/flat": { get: { operationId: "getFlat", parameters: [{ name: "q", in: "query", schema: {} }], responses: { "200": { description: "ok" } } } },
        },
      });
    }
    if (req.path === "/deep") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(nested(DEEP));
    }
    return json(res, 200, { ok: true });
  });
  base = upstream.url;
  return upstream;
}

describe("JSON depth and size limits at every boundary (DESIGN invariant 10)", () => {
  const platform = usePlatform();
  let upstream: Upstream;
  let api: Api;
  let key: string;
  let orgId: string;
  const address = (tool: string): string => `deep.${orgId}.work.${tool}`;

  beforeAll(async () => {
    upstream = await startDeepApi();
    const base = platform().baseUrl;
    const owner = await signUp(base, "depth@example.com");
    orgId = owner.orgId;
    key = (await createApiKey(base, owner)).key;
    api = apiClient(base, bearerHeaders(key));
    const imported = await api.post("/v1/sources", { slug: "deep", kind: "openapi", config: { url: `${upstream.url}/openapi.json` }, local: true });
    expect(imported.status, imported.text).toBe(201);
    await connect(api, "deep", "work", "unused-secret");
  });
  afterAll(async () => {
    await upstream?.close();
  });

  async function runCount(): Promise<number> {
    const runs = await api.get("/v1/runs?limit=100");
    expect(runs.status, runs.text).toBe(200);
    return (runs.body.runs as unknown[]).length;
  }

  function mcpPost(body: string, query = ""): Promise<Response> {
    return fetch(`${platform().baseUrl}/mcp${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", accept: MCP_ACCEPT },
      body,
    });
  }

  it("answers /v1/call with arguments nested 100,000 deep with 422 naming the depth limit, and records no Run", async () => {
    const before = await runCount();
    const res = await fetch(`${platform().baseUrl}/v1/call`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: `{"address":"${address("getFlat")}","arguments":{"q":${nested(DEEP)}}}`,
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = (await res.json()) as { type: string; detail: string };
    expect(body.type).toBe("/problems/validation-failed");
    expect(body.detail).toContain(requestDepth);
    expect(JSON.stringify(body)).not.toMatch(ENGINE);
    expect(await runCount()).toBe(before);
    expect(upstream.seen.filter((s) => s.path.startsWith("/flat"))).toHaveLength(0);
  });

  it("answers an /mcp JSON-RPC message nested 100,000 deep with a JSON-RPC Invalid Request, not an engine message", async () => {
    const res = await mcpPost(`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":${nested(DEEP)}}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { jsonrpc: string; id: null; error: { code: number; message: string } };
    expect(body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
    expect(body.error.message).toContain(requestDepth);
    expect(JSON.stringify(body)).not.toMatch(ENGINE);
  });

  for (const mode of ["", "?tools=direct"]) {
    it(`refuses /mcp${mode} tools/call with deeply nested arguments before anything runs`, async () => {
      const before = await runCount();
      const args = mode === "" ? `{"address":"${address("getFlat")}","arguments":{"q":${nested(DEEP)}}}` : `{"q":${nested(DEEP)}}`;
      const name = mode === "" ? "execute" : `deep.org.work.getFlat`;
      const res = await mcpPost(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"${name}","arguments":${args}}}`, mode);
      const body = (await res.json()) as { error?: { code: number; message: string } };
      expect(body.error?.code).toBe(-32600);
      expect(body.error?.message).toContain(requestDepth);
      expect(JSON.stringify(body)).not.toMatch(ENGINE);
      expect(await runCount()).toBe(before);
    });
  }

  it("fails the Run with invalid_response when the upstream answers JSON nested 100,000 deep, answering 502, not 500", async () => {
    const res = await api.post("/v1/call", { address: address("getDeep"), arguments: {} });
    expect(res.status, res.text).toBe(502);
    expect(res.body).toMatchObject({ type: "/problems/upstream-failed" });
    expect(res.text).toContain(`nests deeper than ${JSON_LIMITS.upstream.depth} levels`);
    const run = await api.get(`/v1/runs/${String(res.body.runId)}`);
    expect(run.body).toMatchObject({ run: { status: "failed", error: { code: "invalid_response" } } });
  });

  it("answers the same upstream over /mcp execute with an isError tool result, not an internal error", async () => {
    const res = await mcpPost(
      JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "execute", arguments: { address: address("getDeep"), arguments: {} } } }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { isError: boolean; structuredContent: { error: { code: string } } } };
    expect(body.result.isError).toBe(true);
    expect(body.result.structuredContent.error.code).toBe("invalid_response");
    expect(JSON.stringify(body)).not.toMatch(ENGINE);
  });

  it("refuses a spec upload over the upload limit with 413 and stores nothing", async () => {
    const document = JSON.stringify({ openapi: "3.1.0", info: { title: "big", version: "1" }, paths: { "/a": { get: { responses: {} } } }, "x-pad": "x".repeat(19 * 1024 * 1024) });
    // The gateway answers 413 from the declared length without reading the body, and the connection
    // is then closed while the client may still be writing: read the answer with node:http, which
    // delivers a response that arrives before the reset (fetch would report only the reset).
    const res = await postEarlyAnswer(`${platform().baseUrl}/v1/sources`, { authorization: `Bearer ${key}` }, JSON.stringify({ slug: "too-big", kind: "openapi", config: { document: true }, document }));
    expect(res.status).toBe(413);
    const body = JSON.parse(res.text) as { type: string; detail: string };
    expect(body).toMatchObject({ type: "/problems/payload-too-large" });
    expect(body.detail).toMatch(/request body exceeds \d+ bytes/);
    expect((await api.get("/v1/sources/too-big")).status).toBe(404);
  });

  it("refuses an uploaded description nested 100,000 deep with 422 naming the document limit, and stores nothing", async () => {
    const document = `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":${nested(DEEP)}}}}}`;
    const res = await api.post("/v1/sources", { slug: "too-deep", kind: "openapi", config: { document: true }, document });
    expect(res.status).toBe(422);
    expect(String(res.body.detail)).toBe(`the document nests deeper than ${JSON_LIMITS.document.depth} levels of arrays and objects`);
    expect((await api.get("/v1/sources/too-deep")).status).toBe(404);
  });

  it("refuses an upload body that would swell in the heap ([{},{},…]) with 422 naming the values limit", async () => {
    const res = await fetch(`${platform().baseUrl}/v1/sources`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: `{"slug":"wide","kind":"openapi","config":{"document":true,"x":[${"{},".repeat(JSON_LIMITS.request.values)}{}]}}`,
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toBe(`the request body holds more than ${JSON_LIMITS.request.values} JSON values`);
  });
});

/** POSTs JSON and resolves with the answer even if the server closes before the whole body is sent. */
function postEarlyAnswer(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: "POST", headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    req.end(body);
  });
}
