import { readFileSync } from "node:fs";
import { Validator } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import type { SourceManifest, ToolDefinition } from "../../schemas";
import { SourceManifest as SourceManifestSchema } from "../../schemas";
import type { SourceContext } from "../types";
import type { OpenApiConfig } from "./config";
import { openApiPlugin } from "./index";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const noFetch = (): Promise<Response> => Promise.reject(new Error("no network in this test"));

async function resolve(document: string, config: Partial<OpenApiConfig> = {}, ctx: Partial<SourceContext> = {}): Promise<SourceManifest> {
  const manifest = await openApiPlugin.resolveTools({ document: true, ...config }, { fetch: noFetch, document, ...ctx });
  // Everything a plugin returns must satisfy the platform's manifest schema.
  return SourceManifestSchema.parse(manifest);
}

function tool(manifest: SourceManifest, name: string): ToolDefinition {
  const found = manifest.tools.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no tool ${name}; have ${manifest.tools.map((t) => t.name).join(", ")}`);
  return found;
}

function validate(schema: object | undefined, value: unknown): boolean {
  return new Validator(schema ?? {}, "2020-12").validate(value).valid;
}

describe("OpenAPI 3.0 (JSON)", () => {
  it("names tools from operationIds and derives <method>_<path> for the rest", async () => {
    const m = await resolve(fixture("petstore-3.0.json"));
    expect(m.title).toBe("Petstore");
    expect(m.tools.map((t) => t.name)).toEqual(["listPets", "createPet", "showPetById", "put_pets_petId", "deletePet"]);
  });

  it("classifies reads, writes and destructive operations by method", async () => {
    const m = await resolve(fixture("petstore-3.0.json"));
    expect(Object.fromEntries(m.tools.map((t) => [t.name, t.sideEffect]))).toEqual({
      listPets: "read",
      createPet: "write",
      showPetById: "read",
      put_pets_petId: "write",
      deletePet: "destructive",
    });
  });

  it("lets an operation's parameter override the path item's, and keeps the path item's others", async () => {
    const show = tool(await resolve(fixture("petstore-3.0.json")), "showPetById");
    expect(show.inputSchema).toEqual({
      type: "object",
      properties: {
        petId: { type: "integer", description: "The id of the pet to retrieve" },
        "X-Trace": { type: "string" },
      },
      required: ["petId"],
      additionalProperties: false,
    });
    expect(show.invocation.params).toEqual([
      { key: "petId", name: "petId", in: "path", required: true },
      { key: "X-Trace", name: "X-Trace", in: "header" },
    ]);
  });

  it("puts the request body under `body`, with the referenced schemas in $defs and 3.0 nullable upgraded", async () => {
    const create = tool(await resolve(fixture("petstore-3.0.json")), "createPet");
    expect(create.inputSchema).toEqual({
      type: "object",
      properties: { body: { $ref: "#/$defs/NewPet", description: "The pet to add" } },
      required: ["body"],
      additionalProperties: false,
      $defs: {
        NewPet: {
          type: "object",
          required: ["name"],
          properties: { name: { type: "string" }, tag: { type: ["string", "null"] } },
        },
      },
    });
    expect(validate(create.inputSchema, { body: { name: "Rex", tag: null } })).toBe(true);
    expect(validate(create.inputSchema, { body: { tag: "dog" } })).toBe(false);
    expect(create.invocation.body).toEqual({ mediaType: "application/json", kind: "json", required: true });
  });

  it("keeps a query parameter called `body` as `body` when the operation has no request body", async () => {
    const list = tool(await resolve(fixture("petstore-3.0.json")), "listPets");
    expect(Object.keys(list.inputSchema?.properties as object)).toEqual(["limit", "tags", "body"]);
    expect(list.invocation.body).toBeUndefined();
  });

  it("takes the output schema from the 2xx JSON response, with transitive $defs", async () => {
    const m = await resolve(fixture("petstore-3.0.json"));
    const list = tool(m, "listPets");
    expect(list.outputSchema?.$ref).toBe("#/$defs/Pets");
    expect(Object.keys(list.outputSchema?.$defs as object)).toEqual(["NewPet", "Pet", "Pets"]);
    expect(validate(list.outputSchema, [{ id: 1, name: "Rex" }])).toBe(true);
    expect(validate(list.outputSchema, [{ name: "no id" }])).toBe(false);
    expect(list.invocation.accept).toBe("application/json");
    expect(tool(m, "deletePet").outputSchema).toBeUndefined();
  });

  it("accepts +json request bodies as JSON", async () => {
    const put = tool(await resolve(fixture("petstore-3.0.json")), "put_pets_petId");
    expect(put.invocation.body).toEqual({ mediaType: "application/merge-patch+json", kind: "json" });
  });

  it("derives auth templates from securitySchemes and skips the kinds it cannot fill", async () => {
    const m = await resolve(fixture("petstore-3.0.json"));
    expect(m.auth).toEqual([
      { type: "apiKey", in: "header", name: "X-API-Key" },
      { type: "http", scheme: "basic" },
      { type: "http", scheme: "bearer" },
      { type: "oauth2_client_credentials", tokenUrl: "https://auth.example.com/token", scopes: ["pets:read", "pets:write"] },
    ]);
  });

  it("records what invokeTool needs: method, path template, server, parameter locations", async () => {
    const show = tool(await resolve(fixture("petstore-3.0.json")), "showPetById");
    expect(show.invocation).toMatchObject({ method: "GET", path: "/pets/{petId}", server: "https://petstore.example.com/v1" });
  });

  it("fetches the document through ctx.fetch when configured with a URL", async () => {
    const seen: string[] = [];
    const fetch = async (url: string): Promise<Response> => {
      seen.push(url);
      return new Response(fixture("petstore-3.0.json"), { headers: { "content-type": "application/json" } });
    };
    const manifest = await openApiPlugin.resolveTools({ url: "https://specs.example.com/petstore.json" }, { fetch });
    expect(seen).toEqual(["https://specs.example.com/petstore.json"]);
    expect(manifest.tools).toHaveLength(5);
  });
});

describe("OpenAPI 3.1 (YAML)", () => {
  const long = "x".repeat(5000);
  const inventory = (): string => fixture("inventory-3.1.yaml").replace("LONG_DESCRIPTION", long);

  it("sanitizes operationIds into the ToolName grammar and dedupes collisions deterministically", async () => {
    const m = await resolve(inventory());
    // "list items!" and "list items?" both sanitize to list_items; sorted by path then method, GET /items comes first.
    expect(m.tools.map((t) => t.name)).toEqual(["list_items", "options_items", "checkItems", "list_items_2", "updateItem"]);
    expect(tool(m, "list_items").invocation.method).toBe("GET");
    expect(tool(m, "list_items_2").invocation.method).toBe("DELETE");
  });

  it("treats HEAD and OPTIONS as reads and PATCH as a write", async () => {
    const m = await resolve(inventory());
    expect([tool(m, "checkItems").sideEffect, tool(m, "options_items").sideEffect, tool(m, "updateItem").sideEffect]).toEqual([
      "read",
      "read",
      "write",
    ]);
  });

  it("strips control and bidi characters from descriptions and caps their length", async () => {
    const list = tool(await resolve(inventory()), "list_items");
    expect(list.description.startsWith("List items in stock\n\nxxx")).toBe(true);
    expect(list.description).toHaveLength(1024);
    expect(list.description.endsWith("…")).toBe(true);
  });

  it("substitutes server variable defaults, and config overrides them", async () => {
    const defaults = await resolve(inventory());
    expect(tool(defaults, "updateItem").invocation.server).toBe("https://eu.inventory.example.com/v2");
    const overridden = await resolve(inventory(), { serverVariables: { region: "us" } });
    expect(tool(overridden, "updateItem").invocation.server).toBe("https://us.inventory.example.com/v2");
    const rebased = await resolve(inventory(), { baseUrl: "https://inventory.internal.example.com/" });
    expect(tool(rebased, "updateItem").invocation.server).toBe("https://inventory.internal.example.com");
  });

  it("keeps 3.1 type arrays and picks the vendor +json response for the output schema", async () => {
    const list = tool(await resolve(inventory()), "list_items");
    expect(list.inputSchema?.properties).toEqual({ status: { type: ["string", "null"], enum: ["active", "retired", null] } });
    expect(list.invocation.accept).toBe("application/vnd.inventory+json");
    expect(validate(list.outputSchema, [{ sku: "a", count: 1 }])).toBe(true);
    expect(validate(list.outputSchema, [{ sku: "a", count: 0 }])).toBe(false);
  });

  it("takes a 2XX range response as the success response", async () => {
    const update = tool(await resolve(inventory()), "updateItem");
    expect(update.outputSchema?.$ref).toBe("#/$defs/Item");
  });

  it("offers apiKey templates in query and cookie and ignores mutualTLS", async () => {
    const m = await resolve(inventory());
    expect(m.auth).toEqual([
      { type: "apiKey", in: "query", name: "key" },
      { type: "apiKey", in: "cookie", name: "SESSION" },
    ]);
  });
});

describe("Swagger 2.0", () => {
  it("is upgraded: host/basePath become the server, body and formData parameters become request bodies", async () => {
    const m = await resolve(fixture("swagger-2.0.json"));
    expect(m.tools.map((t) => t.name)).toEqual(["login", "placeOrder", "getOrder", "cancelOrder"]);
    expect(tool(m, "getOrder").invocation).toMatchObject({ server: "https://legacy.example.com/api", path: "/orders/{orderId}" });
    expect(tool(m, "placeOrder").invocation.body).toEqual({ mediaType: "application/json", kind: "json", required: true });
    expect(tool(m, "login").invocation.body).toEqual({ mediaType: "application/x-www-form-urlencoded", kind: "form" });
    expect(tool(m, "login").inputSchema?.properties).toEqual({
      body: { type: "object", properties: { username: { type: "string" }, password: { type: "string" } }, required: ["username", "password"] },
    });
  });

  it("maps collectionFormat csv to a non-exploded query parameter", async () => {
    const get = tool(await resolve(fixture("swagger-2.0.json")), "getOrder");
    expect(get.invocation.params).toContainEqual({ key: "expand", name: "expand", in: "query", explode: false });
  });

  it("maps securityDefinitions, keeping only the application (client credentials) OAuth flow", async () => {
    const m = await resolve(fixture("swagger-2.0.json"));
    expect(m.auth).toEqual([
      { type: "oauth2_client_credentials", tokenUrl: "https://legacy.example.com/token", scopes: ["orders"] },
      { type: "http", scheme: "basic" },
      { type: "apiKey", in: "query", name: "api_key" },
    ]);
  });
});

describe("a densely linked spec (every response reaches the whole component graph, as in Stripe's)", () => {
  // 300 components, each linking to the next and holding a few dozen properties: any response
  // schema's closure is ~300 KB of JSON Schema.
  const components: Record<string, unknown> = {};
  for (let i = 0; i < 300; i++) {
    const properties: Record<string, unknown> = { next: { $ref: `#/components/schemas/c${(i + 1) % 300}` } };
    for (let p = 0; p < 30; p++) properties[`field_${p}`] = { type: "string", description: `Field ${p} of component ${i}.` };
    components[`c${i}`] = { type: "object", properties };
  }
  const spec = JSON.stringify({
    openapi: "3.0.3",
    info: { title: "Linked", version: "1" },
    servers: [{ url: "https://api.example.com" }],
    components: { schemas: { ...components, small: { type: "object", properties: { id: { type: "string" } } } } },
    paths: {
      "/things/{id}": {
        get: {
          operationId: "getThing",
          summary: "Get a thing",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/c0" } } } } },
        },
      },
      "/small": { get: { operationId: "getSmall", responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/small" } } } } } } },
    },
  });

  it("imports the tool without its oversized output schema and says so in its description; small outputs are kept", async () => {
    const m = await resolve(spec);
    const big = tool(m, "getThing");
    expect(big.outputSchema).toBeUndefined();
    expect(big.description).toMatch(/^Get a thing\n\n\(Output schema left out: \d+ KB of JSON Schema, over the 128 KB kept per tool\.\)$/);
    // The input is unaffected, and the tool stays small enough to store.
    expect(big.inputSchema).toMatchObject({ properties: { id: { type: "string" } }, required: ["id"] });
    expect(JSON.stringify(big).length).toBeLessThan(4096);
    expect(tool(m, "getSmall").outputSchema).toMatchObject({ $ref: "#/$defs/small", $defs: { small: { type: "object" } } });
  });
});
