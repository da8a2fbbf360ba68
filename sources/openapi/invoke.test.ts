import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuthTemplate, JsonObject, ToolDefinition } from "../../schemas";
import type { Credential, InvokeContext } from "../types";
import type { Loopback } from "./fixtures/loopback-server";
import { startLoopback } from "./fixtures/loopback-server";
import { openApiPlugin } from "./index";

// Every call goes over real loopback HTTP to a node:http server that records what it received.
let server: Loopback;
beforeAll(async () => {
  server = await startLoopback();
});
afterAll(() => server.close());
beforeEach(() => {
  server.received.length = 0;
  server.handle(() => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' }));
});

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const ctx = (): InvokeContext => ({ fetch: globalThis.fetch, config: {}, signal: AbortSignal.timeout(5_000) });

async function tool(file: string, name: string): Promise<ToolDefinition> {
  const manifest = await openApiPlugin.resolveTools(
    { document: true, baseUrl: `${server.url}/v1` },
    { fetch: () => Promise.reject(new Error("unused")), document: fixture(file) },
  );
  const found = manifest.tools.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

async function call(file: string, name: string, args: JsonObject, credential: Credential | null = null): Promise<unknown> {
  return openApiPlugin.invokeTool(await tool(file, name), args, credential, ctx());
}

function only(): (typeof server.received)[number] {
  expect(server.received).toHaveLength(1);
  const first = server.received[0];
  if (first === undefined) throw new Error("nothing received");
  return first;
}

describe("requests are built from the invocation data and arguments", () => {
  it("sends query parameters, arrays as repeated keys, and parses the JSON answer", async () => {
    server.handle(() => ({ status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: '[{"id":1,"name":"Rex"}]' }));
    const result = await call("petstore-3.0.json", "listPets", { limit: 5, tags: ["a b", "c&d"] });
    expect(result).toEqual({ ok: true, value: [{ id: 1, name: "Rex" }], status: 200 });
    const r = only();
    expect(r.method).toBe("GET");
    expect(r.target).toBe("/v1/pets?limit=5&tags=a%20b&tags=c%26d");
    expect(r.headers.accept).toBe("application/json");
  });

  it("percent-encodes path parameters and answers 204 with null", async () => {
    server.handle(() => ({ status: 204 }));
    const result = await call("petstore-3.0.json", "deletePet", { petId: "a b/ü?#", "X-Trace": "t-1" });
    expect(result).toEqual({ ok: true, value: null, status: 204 });
    const r = only();
    expect(r.method).toBe("DELETE");
    expect(r.target).toBe("/v1/pets/a%20b%2F%C3%BC%3F%23");
    expect(r.headers["x-trace"]).toBe("t-1");
  });

  it("sends a JSON body with its media type", async () => {
    server.handle(() => ({ status: 201, headers: { "content-type": "application/json" }, body: '{"id":7,"name":"Rex"}' }));
    const result = await call("petstore-3.0.json", "createPet", { body: { name: "Rex", tag: null } });
    expect(result).toEqual({ ok: true, value: { id: 7, name: "Rex" }, status: 201 });
    const r = only();
    expect([r.method, r.path, r.headers["content-type"], r.body]).toEqual(["POST", "/v1/pets", "application/json", '{"name":"Rex","tag":null}']);
  });

  it("sends a +json body with the vendor media type", async () => {
    await call("petstore-3.0.json", "put_pets_petId", { petId: "7", body: { name: "Rex" } });
    const r = only();
    expect([r.method, r.path, r.headers["content-type"], r.body]).toEqual(["PUT", "/v1/pets/7", "application/merge-patch+json", '{"name":"Rex"}']);
  });

  it("places header and cookie parameters and sends an urlencoded form", async () => {
    await call("forms.yaml", "createSession", {
      id: "q-1",
      "X-Request-Id": "req-9",
      header_id: "h-1",
      tracking: "a b;c",
      body: { user: "ada", remember: true, scopes: ["read", "write"] },
    });
    const r = only();
    expect(r.target).toBe("/v1/sessions?id=q-1");
    expect(r.headers["x-request-id"]).toBe("req-9");
    expect(r.headers.id).toBe("h-1");
    expect(r.headers.cookie).toBe("tracking=a%20b%3Bc");
    expect(r.headers["content-type"]).toBe("application/x-www-form-urlencoded;charset=UTF-8");
    expect(r.body).toBe("user=ada&remember=true&scopes=read&scopes=write");
  });

  it("sends multipart form fields", async () => {
    await call("forms.yaml", "upload", { body: { title: "Q3 report", file: "col1,col2\n1,2\n", meta: { pages: 3 } } });
    const r = only();
    expect(r.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(r.body, { headers: { "content-type": String(r.headers["content-type"]) } }).formData();
    // The multipart/form-data encoding (HTML §4.10.21.8) normalizes line breaks in string fields to CRLF.
    expect([form.get("title"), form.get("file"), form.get("meta")]).toEqual(["Q3 report", "col1,col2\r\n1,2\r\n", '{"pages":3}']);
  });

  it("sends a raw text body and returns a text answer as a string", async () => {
    server.handle(() => ({ status: 200, headers: { "content-type": "text/plain" }, body: "noted" }));
    const result = await call("forms.yaml", "createNote", { body: "remember the milk" });
    expect(result).toEqual({ ok: true, value: "noted", status: 200 });
    const r = only();
    expect([r.headers["content-type"], r.body]).toEqual(["text/plain", "remember the milk"]);
  });

  it("serializes deepObject, non-exploded arrays and JSON-content query parameters", async () => {
    await call("forms.yaml", "search", { filter: { color: "red", size: 2 }, ids: [1, 2, 3], where: { a: [1] } });
    const r = only();
    expect(r.target).toBe("/v1/search?filter%5Bcolor%5D=red&filter%5Bsize%5D=2&ids=1%2C2%2C3&where=%7B%22a%22%3A%5B1%5D%7D");
    expect(Object.fromEntries(r.query)).toEqual({ "filter[color]": "red", "filter[size]": "2", ids: "1,2,3", where: '{"a":[1]}' });
  });

  it("refuses arguments it cannot place, sending nothing", async () => {
    expect(await call("petstore-3.0.json", "createPet", {})).toEqual({
      ok: false,
      error: { code: "invalid_arguments", message: "missing required request body `body`", retryable: false },
    });
    expect(await call("petstore-3.0.json", "showPetById", {})).toMatchObject({ ok: false, error: { code: "invalid_arguments" } });
    expect(await call("forms.yaml", "createSession", { "X-Request-Id": "a\r\nx-evil: 1", body: { user: "u" } })).toMatchObject({
      ok: false,
      error: { code: "invalid_arguments", message: "header parameter `X-Request-Id` contains a line break or NUL" },
    });
    expect(server.received).toHaveLength(0);
  });

  it("refuses path values that URL parsing would turn into another endpoint", async () => {
    for (const petId of ["..", ".", ""]) {
      expect(await call("petstore-3.0.json", "deletePet", { petId })).toEqual({
        ok: false,
        error: { code: "invalid_arguments", message: 'path parameter `petId` cannot be empty, "." or ".."', retryable: false },
      });
    }
    await call("petstore-3.0.json", "deletePet", { petId: "../admin" });
    expect(server.received.map((r) => r.path)).toEqual(["/v1/pets/..%2Fadmin"]);
  });
});

describe("credentials are placed as their template says", () => {
  const cred = (template: AuthTemplate, secret: string): Credential => ({ template, secret });

  it("apiKey in a header", async () => {
    await call("petstore-3.0.json", "listPets", {}, cred({ type: "apiKey", in: "header", name: "X-API-Key" }, "k-123"));
    expect(only().headers["x-api-key"]).toBe("k-123");
  });

  it("apiKey in the query, winning over a same-named argument", async () => {
    await call("petstore-3.0.json", "listPets", { limit: 1, body: "x" }, cred({ type: "apiKey", in: "query", name: "body" }, "k 1&2"));
    expect(only().target).toBe("/v1/pets?limit=1&body=k%201%262");
  });

  it("apiKey in a cookie, beside cookie parameters", async () => {
    await call("forms.yaml", "createSession", { "X-Request-Id": "r", tracking: "t", body: { user: "u" } }, cred({ type: "apiKey", in: "cookie", name: "SESSION" }, "s;1"));
    expect(only().headers.cookie).toBe("tracking=t; SESSION=s%3B1");
  });

  it("http bearer", async () => {
    await call("petstore-3.0.json", "listPets", {}, cred({ type: "http", scheme: "bearer" }, "tok-abc"));
    expect(only().headers.authorization).toBe("Bearer tok-abc");
  });

  it("http basic: base64 of the UTF-8 user:password", async () => {
    await call("petstore-3.0.json", "listPets", {}, cred({ type: "http", scheme: "basic" }, "ada:pässwörd"));
    expect(only().headers.authorization).toBe(`Basic ${Buffer.from("ada:pässwörd", "utf8").toString("base64")}`);
  });

  it("oauth2 client credentials: a token request, then the token as bearer", async () => {
    server.handle((r) =>
      r.path === "/token"
        ? { status: 200, headers: { "content-type": "application/json" }, body: '{"access_token":"at-777","token_type":"bearer","expires_in":60}' }
        : { status: 200, headers: { "content-type": "application/json" }, body: "[]" },
    );
    const template: AuthTemplate = { type: "oauth2_client_credentials", tokenUrl: `${server.url}/token`, scopes: ["pets:read", "pets:write"] };
    const result = await call("petstore-3.0.json", "listPets", {}, cred(template, "client-1:s3cr:et"));
    expect(result).toEqual({ ok: true, value: [], status: 200 });
    expect(server.received).toHaveLength(2);
    const [token, api] = server.received;
    expect(token?.method).toBe("POST");
    expect(token?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from("client-1:s3cr%3Aet").toString("base64")}`);
    expect(token?.body).toBe("grant_type=client_credentials&scope=pets%3Aread+pets%3Awrite");
    expect(api?.path).toBe("/v1/pets");
    expect(api?.headers.authorization).toBe("Bearer at-777");
  });

  it("oauth2 client credentials: a refused token request is an upstream error and the API is not called", async () => {
    server.handle(() => ({ status: 401, headers: { "content-type": "application/json" }, body: '{"error":"invalid_client","client_secret":"s3cret"}' }));
    const template: AuthTemplate = { type: "oauth2_client_credentials", tokenUrl: `${server.url}/token`, scopes: [] };
    const result = await call("petstore-3.0.json", "listPets", {}, cred(template, "client-1:s3cret"));
    expect(result).toEqual({
      ok: false,
      error: { code: "upstream_error", status: 401, message: "token endpoint answered 401 Unauthorized", retryable: false },
    });
    expect(server.received.map((r) => r.path)).toEqual(["/token"]);
  });
});
