import { describe, expect, it } from "vitest";
import type { JsonObject } from "../../schemas";
import { openApiPlugin } from "./index";
import { withoutUnreachableSchemas } from "./prune";

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });

function document(schemas: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    openapi: "3.0.3",
    info: { title: "t", version: "1" },
    servers: [{ url: "https://pets.example" }],
    paths: { "/pets": { get: { operationId: "listPets", responses: { "200": { description: "ok", content: { "application/json": { schema: ref("Pets") } } } } } } },
    components: { schemas, ...extra },
  };
}

const schemaNames = (root: JsonObject): string[] => Object.keys((root.components as { schemas: JsonObject }).schemas);

describe("withoutUnreachableSchemas", () => {
  it("keeps what the operations reach, transitively and in document order, and drops the rest", () => {
    const root = document({
      Webhook: { type: "object", properties: { pet: ref("Pet") } },
      Pet: { type: "object", properties: { owner: ref("Owner") } },
      Pets: { type: "array", items: ref("Pet") },
      Owner: { type: "object" },
      Unused: { type: "string" },
    });
    expect(schemaNames(withoutUnreachableSchemas(root))).toEqual(["Pet", "Pets", "Owner"]);
    // The input is left as it was.
    expect(schemaNames(root)).toEqual(["Webhook", "Pet", "Pets", "Owner", "Unused"]);
  });

  it("counts references from other components and from data values as reached", () => {
    const root = document(
      { Pets: { type: "array" }, FromParameter: { type: "string" }, FromExample: { type: "string" }, Unused: { type: "string" } },
      {
        parameters: { limit: { name: "limit", in: "query", schema: ref("FromParameter") } },
        responses: { weird: { description: "x", "x-data": { example: ref("FromExample") } } },
      },
    );
    expect(schemaNames(withoutUnreachableSchemas(root))).toEqual(["Pets", "FromParameter", "FromExample"]);
  });

  it("follows a pointer into a schema and an escaped name to the component that holds it", () => {
    const root = document({
      Pets: { type: "array", items: { $ref: "#/components/schemas/Pet/properties/name" } },
      Pet: { type: "object", properties: { name: { $ref: "#/components/schemas/a~1b%20c" } } },
      "a/b c": { type: "string" },
      Unused: { type: "string" },
    });
    expect(schemaNames(withoutUnreachableSchemas(root))).toEqual(["Pets", "Pet", "a/b c"]);
  });

  it.each([
    ["another document", "other.json#/Pet"],
    ["an anchor", "#pet"],
    ["the schemas map itself", "#/components/schemas"],
    ["the components", "#/components"],
    ["the whole document", "#"],
  ])("keeps every schema when a reference points at %s", (_case, target) => {
    const root = document({ Pets: { type: "array", items: { $ref: target } }, Unused: { type: "string" } });
    expect(withoutUnreachableSchemas(root)).toBe(root);
  });

  it("keeps a schema named __proto__ as a schema", () => {
    const root = JSON.parse(
      JSON.stringify(document({ Pets: { type: "array", items: ref("__proto__") }, Unused: {} })).replace('"Pets":', '"__proto__":{"type":"string"},"Pets":'),
    ) as JsonObject;
    const schemas = (withoutUnreachableSchemas(root).components as { schemas: JsonObject }).schemas;
    expect(Object.keys(schemas)).toEqual(["__proto__", "Pets"]);
    expect(Object.getPrototypeOf(schemas)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(schemas, "__proto__")?.value).toEqual({ type: "string" });
  });

  it("leaves a dangling reference for resolution to report, and a document without schemas alone", () => {
    expect(schemaNames(withoutUnreachableSchemas(document({ Pets: { type: "array", items: ref("Missing") }, Unused: {} })))).toEqual(["Pets"]);
    const bare = { openapi: "3.0.3", info: { title: "t", version: "1" }, paths: {} };
    expect(withoutUnreachableSchemas(bare)).toBe(bare);
  });

  it("builds the same tools as the whole document would", async () => {
    const schemas = {
      Pets: { type: "array", items: ref("Pet") },
      Pet: { type: "object", nullable: true, properties: { id: { type: "integer", exclusiveMinimum: true, minimum: 0 }, tag: ref("Tag") } },
      Tag: { type: "string", example: "dog" },
      WebhookOnly: { type: "object", properties: { pet: ref("Pet") } },
    };
    const ctx = (root: JsonObject) => ({ fetch: () => Promise.reject(new Error("no network")), document: JSON.stringify(root) });
    const pruned = await openApiPlugin.resolveTools({ document: true }, ctx(document(schemas)));
    const { WebhookOnly: _unused, ...reachable } = schemas;
    const reference = await openApiPlugin.resolveTools({ document: true }, ctx(document(reachable)));
    expect(pruned).toEqual(reference);
    expect(JSON.stringify(pruned.tools[0]?.outputSchema)).toContain('"Tag"');
  });
});
