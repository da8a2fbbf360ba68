import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import createClient from "openapi-fetch";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exposed, fakeRoutes, scratch, surfaceOf, typeErrorsIn } from "./testing";
import { toolkitOpenApi, toolkitSdk } from "./index";

const ISSUE_PATH = "/v1/toolkits/org_acme/kit/tools/github/issues/create";
const tools = [
  exposed("github", "issues/create", "githubIssuesCreate", {
    sideEffect: "write",
    inputSchema: {
      type: "object",
      required: ["owner", "repo", "body"],
      properties: { owner: { type: "string" }, repo: { type: "string" }, body: { type: "object", required: ["title"], properties: { title: { type: "string" }, labels: { type: "array", items: { $ref: "#/$defs/Label" } } } } },
      $defs: { Label: { type: "string", enum: ["bug", "docs"] } },
    },
    outputSchema: { type: "object", required: ["number"], properties: { number: { type: "integer" }, title: { type: "string" } } },
  }),
  exposed("pets", "getPet", "petsGetPet", { inputSchema: { type: "object", required: ["petId"], properties: { petId: { type: "integer" } } }, outputSchema: { type: "object", properties: { name: { type: "string" } } } }),
];

let server: Awaited<ReturnType<typeof fakeRoutes>>;
const dir = scratch();

beforeAll(async () => {
  server = await fakeRoutes((seen) => {
    const body = seen.body as Record<string, unknown>;
    if (seen.url.includes("issues/create") && (body.body as { title?: string })?.title === "wait") return { status: 202, body: { run: { id: "run_pending1", status: "pending_approval", address: "a" }, resume: { status: "s", approve: "a", deny: "d", link: "l" } } };
    if (seen.url.includes("issues/create")) return { status: 200, body: { run: { id: "run_done0001", status: "succeeded", address: "a" }, result: { number: 7, title: (body.body as { title: string }).title } } };
    if (body.petId === 0) return { status: 429, body: { type: "/problems/rate-limited", title: "Too Many Requests", status: 429, detail: "slow down" }, headers: { "retry-after": "12" } };
    if (typeof body.petId !== "number") return { status: 422, body: { type: "/problems/validation-failed", title: "Validation Failed", status: 422, detail: "petId", errors: [{ path: "arguments.petId", message: "must be an integer" }] } };
    return { status: 200, body: { run: { id: "run_pet00001", status: "succeeded", address: "a" }, result: { name: "Rex" } } };
  });
});

afterAll(async () => {
  await server?.close();
});

describe("a client generated from the document by openapi-typescript and openapi-fetch", () => {
  it("type-checks a correct call and refuses a wrong argument", async () => {
    const types = astToString(await openapiTS(toolkitOpenApi(surfaceOf(tools)) as never));
    const ok = `import createClient from "openapi-fetch";\nimport type { paths } from "./schema";\nconst c = createClient<paths>({ baseUrl: "http://x" });\nexport const r = c.POST(${JSON.stringify(ISSUE_PATH)}, { body: { owner: "o", repo: "r", body: { title: "t", labels: ["bug"] } } });\n`;
    const bad = ok.replace('owner: "o"', "owner: 1").replace('"bug"', '"feature"');
    expect(typeErrorsIn(dir, { "schema.ts": types, "ok.ts": ok })).toEqual([]);
    const errors = typeErrorsIn(dir, { "schema.ts": types, "bad.ts": bad });
    expect(errors.join("\n")).toMatch(/number.*string|string.*number/);
    expect(errors.join("\n")).toContain("feature");
  });

  it("calls the route at run time with the body, the key and the connection", async () => {
    const c = createClient<Record<string, never>>({ baseUrl: server.url, headers: { authorization: "Bearer exk_test" } });
    const post = c.POST as unknown as (path: string, init: object) => Promise<{ data?: { result: unknown }; response: Response }>;
    const res = await post(ISSUE_PATH, { body: { owner: "o", repo: "r", body: { title: "Hi" } }, params: { query: { connection: "work" } } });
    expect(res.response.status).toBe(200);
    expect(res.data?.result).toEqual({ number: 7, title: "Hi" });
    const seen = server.seen.at(-1);
    expect(seen).toMatchObject({ method: "POST", url: `${ISSUE_PATH}?connection=work`, auth: "Bearer exk_test", body: { owner: "o", repo: "r", body: { title: "Hi" } } });
  });
});

describe("the toolkit's own TypeScript SDK", () => {
  it("compiles strictly; a wrong argument and a missing field fail to type-check", () => {
    const sdk = toolkitSdk(surfaceOf(tools));
    const use = (call: string): string => `import { createClient } from "./sdk";\nconst c = createClient({ apiKey: "k" });\nexport const r = ${call};\n`;
    expect(typeErrorsIn(dir, { "sdk.ts": sdk, "use.ts": use(`c.githubIssuesCreate({ owner: "o", repo: "r", body: { title: "t" } })`) })).toEqual([]);
    expect(typeErrorsIn(dir, { "sdk.ts": sdk, "wrong.ts": use(`c.petsGetPet({ petId: "1" })`) }).join("\n")).toContain("string");
    expect(typeErrorsIn(dir, { "sdk.ts": sdk, "missing.ts": use(`c.githubIssuesCreate({ owner: "o", repo: "r" })`) }).join("\n")).toContain("body");
  });

  it("calls the routes and maps 200, 202, 422 and 429 at run time", async () => {
    const sdk = toolkitSdk(surfaceOf(tools, server.url));
    const file = join(dir, "sdk.mjs");
    writeFileSync(file, ts.transpileModule(sdk, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText);
    const mod = (await import(pathToFileURL(file).href)) as { createClient: (o: { apiKey: string }) => Record<string, (a: unknown, o?: unknown) => Promise<unknown>>; ExecutorError: new (...a: never[]) => Error };
    const c = mod.createClient({ apiKey: "exk_sdk" });
    expect(await c.githubIssuesCreate!({ owner: "o", repo: "r", body: { title: "Yo" } })).toEqual({ number: 7, title: "Yo" });
    expect(server.seen.at(-1)?.auth).toBe("Bearer exk_sdk");
    expect(await c.githubIssuesCreate!({ owner: "o", repo: "r", body: { title: "wait" } })).toMatchObject({ status: "pending_approval", run: { id: "run_pending1" } });
    const invalid = await c.petsGetPet!({ petId: "x" }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(mod.ExecutorError);
    expect(invalid).toMatchObject({ status: 422, errors: [{ path: "arguments.petId" }] });
    expect(await c.petsGetPet!({ petId: 0 }).catch((e: unknown) => e)).toMatchObject({ status: 429, retryAfter: 12 });
    await c.petsGetPet!({ petId: 1 }, { connection: "spare", idempotencyKey: "k1" });
    expect(server.seen.at(-1)?.url).toBe("/v1/toolkits/org_acme/kit/tools/pets/getPet?connection=spare");
  });
});
