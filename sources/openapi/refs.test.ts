import { readFileSync } from "node:fs";
import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import type { SourceManifest, ToolDefinition } from "../../schemas";
import { PluginError } from "../types";
import { openApiPlugin } from "./index";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const noFetch = (): Promise<Response> => Promise.reject(new Error("no network in this test"));

function resolve(document: string, progress?: (n: number) => void): Promise<SourceManifest> {
  return openApiPlugin.resolveTools({ document: true }, progress ? { fetch: noFetch, document, progress } : { fetch: noFetch, document });
}

function tool(manifest: SourceManifest, name: string): ToolDefinition {
  const found = manifest.tools.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no tool ${name}`);
  return found;
}

function valid(schema: object | undefined, value: unknown): boolean {
  return new Validator(schema ?? {}, "2020-12").validate(value).valid;
}

/** A minimal 3.1 document around one operation's fields. */
function doc(operation: object, components: object = {}): string {
  return JSON.stringify({
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    servers: [{ url: "https://api.example.com" }],
    paths: { "/things": { post: { operationId: "op", responses: { "200": { description: "ok" } }, ...operation } } },
    components,
  });
}

describe("circular and indirect references", () => {
  it("keeps a self-referencing schema as a $ref into $defs, and it validates recursively", async () => {
    const get = tool(await resolve(fixture("circular.yaml")), "getTree");
    expect(get.outputSchema).toEqual({
      $ref: "#/$defs/Node",
      $defs: {
        Node: {
          type: "object",
          properties: { value: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/Node" } } },
        },
      },
    });
    expect(valid(get.outputSchema, { value: "a", children: [{ value: "b", children: [{ value: "c", children: [] }] }] })).toBe(true);
    expect(valid(get.outputSchema, { value: "a", children: [{ value: "b", children: [{ value: 3 }] }] })).toBe(false);
  });

  it("resolves mutual recursion and a pointer into another schema's properties", async () => {
    const create = tool(await resolve(fixture("circular.yaml")), "createPerson");
    const defs = create.inputSchema?.$defs as Record<string, unknown>;
    expect(Object.keys(defs)).toEqual(["Company", "Person", "ref:/components/schemas/Company/properties/name"]);
    const person = { name: "Ada", employer: { name: "Engines", ceo: { name: "Charles" }, headquarters: "London" } };
    expect(valid(create.inputSchema, { body: person })).toBe(true);
    expect(valid(create.inputSchema, { body: { employer: { headquarters: 42 } } })).toBe(false);
  });

  it("follows $ref chains for parameters, request bodies and responses", async () => {
    const replace = tool(await resolve(fixture("circular.yaml")), "replaceTree");
    expect(replace.inputSchema?.required).toEqual(["treeId", "body"]);
    expect(replace.invocation.params).toEqual([{ key: "treeId", name: "treeId", in: "path", required: true }]);
    expect(replace.outputSchema?.$ref).toBe("#/$defs/Node");
  });

  it("turns a dangling schema reference into a permissive schema instead of failing the import", async () => {
    const m = await resolve(doc({ requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Missing" } } } } }));
    expect(tool(m, "op").inputSchema?.$defs).toEqual({ Missing: { $comment: "unresolved reference #/components/schemas/Missing" } });
  });

  it("cuts inline nesting beyond the depth bound to an accept-anything schema", async () => {
    // 100 levels of schemas (200 of JSON): past the rewrite's bound, within the document JSON limits.
    let schema: object = { type: "string" };
    for (let i = 0; i < 100; i++) schema = { type: "object", properties: { next: schema } };
    const m = await resolve(doc({ requestBody: { content: { "application/json": { schema } } } }));
    expect(JSON.stringify(tool(m, "op").inputSchema)).toContain('"next":{}');
  });

  it("refuses a parameter that lives in another file, naming where", async () => {
    const document = doc({ parameters: [{ $ref: "common.yaml#/parameters/Page" }] });
    await expect(resolve(document)).rejects.toThrow(PluginError);
    await expect(resolve(document)).rejects.toThrow(
      'paths./things.post.parameters[0]: $ref "common.yaml#/parameters/Page" points outside the document; bundle the document into one file first',
    );
  });

  it("refuses a reference cycle among parameters", async () => {
    const document = doc(
      { parameters: [{ $ref: "#/components/parameters/A" }] },
      { parameters: { A: { $ref: "#/components/parameters/B" }, B: { $ref: "#/components/parameters/A" } } },
    );
    await expect(resolve(document)).rejects.toThrow("is part of a reference cycle");
  });
});

describe("tool hashes", () => {
  it("are stable across runs", async () => {
    const a = await resolve(fixture("petstore-3.0.json"));
    const b = await resolve(fixture("petstore-3.0.json"));
    expect(a.tools.map((t) => t.hash)).toEqual(b.tools.map((t) => t.hash));
    expect(new Set(a.tools.map((t) => t.hash)).size).toBe(a.tools.length);
  });

  it("change for exactly the operations whose definition changed", async () => {
    const original = JSON.parse(fixture("petstore-3.0.json")) as { paths: Record<string, Record<string, { summary?: string }>> };
    const before = await resolve(JSON.stringify(original));
    const pets = original.paths["/pets"];
    if (pets?.get === undefined) throw new Error("fixture changed");
    pets.get.summary = "List every pet";
    const after = await resolve(JSON.stringify(original));
    const changed = after.tools.filter((t, i) => t.hash !== before.tools[i]?.hash).map((t) => t.name);
    expect(changed).toEqual(["listPets"]);
  });

  it("change for every tool that uses a component schema when that schema changes", async () => {
    const original = fixture("petstore-3.0.json");
    const before = await resolve(original);
    const after = await resolve(original.replace('"name": { "type": "string" }', '"name": { "type": "string", "maxLength": 64 }'));
    const changed = after.tools.filter((t, i) => t.hash !== before.tools[i]?.hash).map((t) => t.name);
    expect(changed).toEqual(["listPets", "createPet", "showPetById", "put_pets_petId"]);
  });
});

describe("progress", () => {
  it("is reported every 100 tools and once at the end", async () => {
    const paths: Record<string, object> = {};
    for (let i = 0; i < 250; i++) paths[`/r${String(i).padStart(3, "0")}`] = { get: { responses: { "200": { description: "ok" } } } };
    const document = JSON.stringify({ openapi: "3.0.0", info: { title: "t", version: "1" }, servers: [{ url: "https://x.example" }], paths });
    const seen: number[] = [];
    const m = await resolve(document, (n) => seen.push(n));
    expect(m.tools).toHaveLength(250);
    expect(seen).toEqual([100, 200, 250]);
  });
});
