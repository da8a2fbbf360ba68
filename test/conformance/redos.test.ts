import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Upstream } from "../e2e/upstreams/http-server";
import { json, serve } from "../e2e/upstreams/http-server";
import type { Answer, Api, Problem } from "./catalog-helpers";
import { apiClient, bearerHeaders } from "./catalog-helpers";
import type { Account } from "./helpers";
import { createApiKey, signUp, usePlatform } from "./helpers";

// DESIGN invariant 10: "patterns from imported specs never run on a backtracking regex engine".
// The finding, against `npm start`: an imported operation whose parameter has `pattern: "^(a|a)+$"`
// and a 26-character argument stalled the isolate 1.7 s and delayed unrelated requests; each
// character more doubles that, so the 40 characters here would take hours. The bounds below are
// generous on purpose (timing belongs in benchmarks): they only have to tell hours from seconds.
const platform = usePlatform();

const HOSTILE = `${"a".repeat(40)}!`;
const GENEROUS_MS = 15_000;

let upstream: Upstream;
let owner: Account;
let api: Api;

const at = (source: string, tool: string): string => `${source}.${owner.orgId}.work.${tool}`;

/** An OpenAPI document whose operations carry catastrophic patterns, and one pattern only a backtracking engine can run. */
function hostileSpec(server: string): string {
  return JSON.stringify({
    openapi: "3.1.0",
    info: { title: "Hostile patterns", version: "1" },
    servers: [{ url: server }],
    paths: {
      "/codes": {
        get: {
          operationId: "findCode",
          parameters: [{ name: "code", in: "query", required: true, schema: { type: "string", pattern: "^(a|a)+$" } }],
          responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } } },
        },
        post: {
          operationId: "storeLabels",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/Labels" } } },
          },
          responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
      "/users": {
        get: {
          operationId: "findUser",
          parameters: [{ name: "login", in: "query", required: true, schema: { type: "string", pattern: "^(?!admin$)[a-z]+$", maxLength: 12 } }],
          responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
    },
    components: {
      schemas: {
        Labels: { type: "object", patternProperties: { "^(a+)+$": { type: "integer" } }, additionalProperties: { type: "string" } },
      },
    },
  });
}

async function timed(request: Promise<Answer>): Promise<{ answer: Answer; ms: number }> {
  const started = performance.now();
  const answer = await request;
  return { answer, ms: performance.now() - started };
}

beforeAll(async () => {
  upstream = await serve((_req, res) => json(res, 200, { ok: true }));
  const base = platform().baseUrl;
  owner = await signUp(base, "patterns@redos.example");
  api = apiClient(base, bearerHeaders((await createApiKey(base, owner, "redos")).key));
  const added = await api.post("/v1/sources", {
    slug: "hostile",
    kind: "openapi",
    config: { document: true },
    document: hostileSpec(upstream.url),
    local: true,
    connection: { name: "work", secret: "redos-upstream-token" },
  });
  expect(added.status, added.text).toBe(201);
});

afterAll(async () => {
  await upstream?.close();
});

describe("an imported pattern with nested quantifiers", () => {
  it("answers a hostile `pattern` argument with 422 at once, while an unrelated request is not delayed", async () => {
    const [call, me] = await Promise.all([
      timed(api.post("/v1/call", { address: at("hostile", "findCode"), arguments: { code: HOSTILE } })),
      timed(api.get("/v1/me")),
    ]);
    expect(call.answer.status, call.answer.text).toBe(422);
    expect((call.answer.body as Problem).type).toBe("/problems/validation-failed");
    expect(call.answer.body.errors).toEqual([{ path: "arguments.code", message: "String does not match pattern." }]);
    expect(call.ms).toBeLessThan(GENEROUS_MS);
    expect(me.answer.status).toBe(200);
    expect(me.ms).toBeLessThan(GENEROUS_MS);
    // The refusal is a Run, and nothing reached the upstream.
    const run = await api.get(`/v1/runs/${String((call.answer.body as Problem).runId)}`);
    expect(run.body.run).toMatchObject({ status: "rejected", error: { code: "invalid_arguments" } });
    expect(upstream.seen).toEqual([]);
    // The same pattern still lets a matching argument through.
    const ok = await api.post("/v1/call", { address: at("hostile", "findCode"), arguments: { code: "aaaa" } });
    expect(ok.status, ok.text).toBe(200);
    expect(upstream.seen.map((s) => `${s.method} ${s.path}`)).toEqual(["GET /codes?code=aaaa"]);
  });

  it("answers hostile `patternProperties` keys (through a $ref) with 422 at once", async () => {
    const body = { [HOSTILE]: 1, ["a".repeat(40)]: "not an integer" };
    const { answer, ms } = await timed(api.post("/v1/call", { address: at("hostile", "storeLabels"), arguments: { body } }));
    expect(answer.status, answer.text).toBe(422);
    expect(ms).toBeLessThan(GENEROUS_MS);
    expect(answer.body.errors).toEqual(
      expect.arrayContaining([
        { path: `arguments.body.${HOSTILE}`, message: 'Instance type "number" is invalid. Expected "string".' },
        { path: `arguments.body.${"a".repeat(40)}`, message: 'Instance type "string" is invalid. Expected "integer".' },
      ]),
    );
  });
});

describe("an imported pattern only a backtracking engine can run (lookahead)", () => {
  it("imports without it, says so in the tool's description, and keeps checking the rest of the schema", async () => {
    const described = await api.get(`/v1/tools/describe?address=${encodeURIComponent(at("hostile", "findUser"))}`);
    expect(described.status, described.text).toBe(200);
    const tool = described.body.tool as { description: string; inputSchema: { properties: { login: Record<string, unknown> } } };
    expect(tool.inputSchema.properties.login).toEqual({ type: "string", maxLength: 12 });
    expect(tool.description).toContain("Not checked by Executor: 1 pattern of this tool's input schema");
    expect(tool.description).toContain('pattern "^(?!admin$)[a-z]+$" at /properties/login (it uses a lookahead assertion)');

    // maxLength still holds; the dropped pattern is the upstream's to enforce.
    const tooLong = await api.post("/v1/call", { address: at("hostile", "findUser"), arguments: { login: "a".repeat(13) } });
    expect(tooLong.status, tooLong.text).toBe(422);
    const ok = await api.post("/v1/call", { address: at("hostile", "findUser"), arguments: { login: "ada" } });
    expect(ok.status, ok.text).toBe(200);
  });
});
