import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REFLECTOR_ACCESS_TOKEN, reflectorSpec, startReflector } from "../e2e/upstreams/reflector";
import type { Upstream } from "../e2e/upstreams/http-server";
import type { Api } from "./catalog-helpers";
import { apiClient, bearerHeaders } from "./catalog-helpers";
import type { Account } from "./helpers";
import { MCP_ACCEPT, createApiKey, signUp, usePlatform } from "./helpers";

// DESIGN invariant 1: no secret in any form the platform itself put on the wire (every encoding,
// derived tokens) reaches an answer, a Run or a log, on success and failure alike. The upstream here
// reflects every header, query and body it receives, so whatever form we sent comes straight back.
const platform = usePlatform();

// Characters that each encoding treats differently: RFC 3986 strict (!'()*), form (+ for space), base64 (+/=).
const KEY = `ck!'()*~ +/="x-5d1e9a`;
const USER_PASS = `ada:pw!'()* ss"9f2b`;
const CLIENT = `client-7c:cs!'()*+/= 3c0e`;

const SCHEMES: Record<string, { scheme: Record<string, unknown>; secret: string }> = {
  query: { scheme: { type: "apiKey", in: "query", name: "api_key" }, secret: KEY },
  header: { scheme: { type: "apiKey", in: "header", name: "X-Api-Key" }, secret: KEY },
  cookie: { scheme: { type: "apiKey", in: "cookie", name: "sid" }, secret: KEY },
  bearer: { scheme: { type: "http", scheme: "bearer" }, secret: KEY },
  basic: { scheme: { type: "http", scheme: "basic" }, secret: USER_PASS },
  oauth: { scheme: { type: "oauth2", flows: { clientCredentials: { tokenUrl: "/token", scopes: {} } } }, secret: CLIENT },
};

/** Every form the test can think of, written out independently of the platform's own list. */
function echoForms(value: string): string[] {
  const strict = encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const b64 = Buffer.from(value).toString("base64");
  const colon = value.indexOf(":");
  const parts = colon >= 0 ? [value.slice(colon + 1)] : [];
  const forms = [value, encodeURIComponent(value), strict, strict.toLowerCase(), new URLSearchParams({ k: value }).toString().slice(2), JSON.stringify(value).slice(1, -1), b64, b64.replace(/=+$/, "")];
  return [...forms, ...parts.flatMap((p) => [p, encodeURIComponent(p), new URLSearchParams({ k: p }).toString().slice(2)])];
}

const FORBIDDEN = [...new Set([KEY, USER_PASS, CLIENT, REFLECTOR_ACCESS_TOKEN].flatMap(echoForms))].filter((f) => f.length >= 6);
// The client-credentials Basic header (RFC 6749 §2.3.1: each part form-encoded, then joined).
const form = (s: string): string => new URLSearchParams({ k: s }).toString().slice(2);
FORBIDDEN.push(Buffer.from(`${form("client-7c")}:${form("cs!'()*+/= 3c0e")}`).toString("base64"));

let reflector: Upstream;
let owner: Account;
let api: Api;
const transcript: string[] = [];

function expectClean(text: string): void {
  for (const f of FORBIDDEN) expect(text, `leaked form ${JSON.stringify(f)}`).not.toContain(f);
}

beforeAll(async () => {
  reflector = await startReflector();
  const base = platform().baseUrl;
  owner = await signUp(base, "reflect@secrets.example");
  api = apiClient(base, bearerHeaders((await createApiKey(base, owner, "reflect")).key), transcript);
  for (const [slug, { scheme, secret }] of Object.entries(SCHEMES)) {
    const res = await api.post("/v1/sources", {
      slug,
      kind: "openapi",
      config: { document: true },
      document: JSON.stringify(reflectorSpec(reflector.url, scheme)),
      local: true,
      connection: { name: "work", secret },
    });
    expect(res.status, res.text).toBe(201);
  }
});

afterAll(async () => {
  await reflector?.close();
});

describe.each(Object.keys(SCHEMES))("a %s credential reflected by the upstream", (slug) => {
  const address = (tool: string): string => `${slug}.${owner.orgId}.work.${tool}`;

  it("reaches the upstream (the reflection is real) but never the answer or the Run, on success", async () => {
    const before = reflector.seen.length;
    const res = await api.post("/v1/call", { address: address("echo"), arguments: { page: 2 } });
    expect(res.status, res.text).toBe(200);
    expect(reflector.seen.length).toBeGreaterThan(before);
    const run = await api.get(`/v1/runs/${(res.body.run as { id: string }).id}`);
    expectClean(res.text);
    expectClean(run.text);
    expect(res.text).toContain("[redacted]");
  });

  it("never reaches the answer or the Run when the upstream fails and quotes the request", async () => {
    const res = await api.post("/v1/call", { address: address("echoError"), arguments: {} });
    expect(res.status).toBe(502);
    const runId = (res.body as { runId?: string }).runId;
    expect(runId).toBeDefined();
    expectClean(res.text);
    expectClean((await api.get(`/v1/runs/${runId}`)).text);
  });

  it("never reaches an MCP client calling the same tool", async () => {
    const res = await fetch(`${platform().baseUrl}/mcp`, {
      method: "POST",
      headers: { ...bearerHeaders((await createApiKey(platform().baseUrl, owner, `mcp-${slug}`, [])).key)(), "content-type": "application/json", accept: MCP_ACCEPT },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "execute", arguments: { address: address("echoPost"), arguments: { body: { hello: "world" } } } } }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toContain("hello");
    expectClean(text);
  });
});

describe("the whole exchange", () => {
  it("left no form of any credential in any answer, the export of every Run, or the platform's logs", async () => {
    const exported = await api.get("/v1/runs/export");
    expect(exported.status).toBe(200);
    expectClean(exported.text);
    expectClean(transcript.join("\n"));
    expectClean(platform().output());
  });
});
