import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { openApiPlugin } from "../../sources/openapi";
import type { ExposedTool } from "../../schemas";
import { exposed, surfaceOf } from "./testing";
import { toolkitEtag, toolkitOpenApi } from "./index";

const pet = { $defs: { Pet: { type: "object", required: ["id"], properties: { id: { type: "integer" }, friends: { type: "array", items: { $ref: "#/$defs/Pet" } } } } } };
const tricky = (): ExposedTool[] => [
  exposed("pets", "listPets", "petsListPets", { outputSchema: { type: "array", items: { $ref: "#/$defs/Pet" }, ...pet } }),
  exposed("shop", "listPets", "shopListPets", { outputSchema: { $ref: "#/$defs/Pet", $defs: { Pet: { type: "string" } } } }),
  exposed("github", "issues/create", "githubIssuesCreate", { sideEffect: "write", inputSchema: { type: "object", required: ["owner"], properties: { owner: { type: "string" } } } }),
  exposed("gh", "repo.get", "ghRepoGet", { connections: ["personal", "work"], defaultConnection: null }),
  exposed("mcp", "ping", "mcpPing", { inputSchema: { type: "object", properties: { x: { $ref: "#/nowhere" } } } }),
];

async function validate(doc: object): Promise<{ valid: boolean; errors?: unknown }> {
  const validator = new Validator();
  return validator.validate(doc as Parameters<Validator["validate"]>[0]) as Promise<{ valid: boolean; errors?: unknown }>;
}

describe("a toolkit's OpenAPI 3.1 document", () => {
  it("validates, with one operation per tool and every $def hoisted to a component of its own", async () => {
    const doc = toolkitOpenApi(surfaceOf(tricky()));
    const verdict = await validate(doc);
    expect(verdict.errors ?? null).toBeNull();
    expect(verdict.valid).toBe(true);
    const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(["PetsListPets_Pet", "ShopListPets_Pet", "Problem", "Run", "Resume"]));
    expect(JSON.stringify(schemas.PetsListPets_Pet)).toContain("#/components/schemas/PetsListPets_Pet");
    expect(JSON.stringify(doc)).not.toContain("#/$defs/");
    const paths = doc.paths as Record<string, { post: { operationId: string; parameters: Array<{ name: string; required: boolean }> } }>;
    expect(Object.values(paths).map((p) => p.post.operationId).sort()).toEqual(["ghRepoGet", "githubIssuesCreate", "mcpPing", "petsListPets", "shopListPets"]);
    expect(paths["/v1/toolkits/org_acme/kit/tools/github/issues/create"]).toBeDefined();
    // Several connections and no default: the request must name one.
    expect(paths["/v1/toolkits/org_acme/kit/tools/gh/repo.get"]?.post.parameters.find((p) => p.name === "connection")?.required).toBe(true);
  });

  it("never changes the surface it is given", () => {
    const tools = tricky();
    const before = JSON.stringify(tools);
    toolkitOpenApi(surfaceOf(tools));
    expect(JSON.stringify(tools)).toBe(before);
  });

  it("has an ETag that is stable and changes exactly when a tool, a schema or the version does", async () => {
    const etag = (tools: ExposedTool[], version = 1): Promise<string> => toolkitEtag(toolkitOpenApi(surfaceOf(tools, "http://127.0.0.1:1", version)));
    const base = await etag(tricky());
    expect(await etag(tricky())).toBe(base);
    expect(await etag([...tricky()].reverse())).toBe(base);
    expect(await etag(tricky(), 2)).not.toBe(base);
    expect(await etag(tricky().slice(1))).not.toBe(base);
    const changed = tricky();
    changed[2] = { ...changed[2]!, inputSchema: { type: "object", properties: { owner: { type: "integer" } } } };
    expect(await etag(changed)).not.toBe(base);
  });

  it("validates for a toolkit over GitHub's whole REST catalog", async () => {
    const require = createRequire(import.meta.url);
    const document = readFileSync(require.resolve("@octokit/openapi/generated/api.github.com.json"), "utf8");
    const manifest = await openApiPlugin.resolveTools({ document: true }, { fetch: () => Promise.reject(new Error("offline")), document });
    const tools = manifest.tools.map((t, i) =>
      exposed("github", t.name, `github${i}`, {
        description: t.description,
        sideEffect: t.sideEffect,
        ...(t.inputSchema ? { inputSchema: t.inputSchema } : {}),
        ...(t.outputSchema ? { outputSchema: t.outputSchema } : {}),
      }),
    );
    const started = performance.now();
    const doc = toolkitOpenApi(surfaceOf(tools));
    const ms = performance.now() - started;
    const verdict = await validate(doc);
    console.log(`github toolkit document: ${tools.length} operations, ${(JSON.stringify(doc).length / 1e6).toFixed(1)} MB, ${ms.toFixed(0)} ms, valid=${verdict.valid}`);
    expect(verdict.errors ?? null).toBeNull();
    expect(Object.keys(doc.paths as object)).toHaveLength(tools.length);
  }, 120_000);
});
